from __future__ import annotations

from domain.demo import DEMO_CHALLENGES, DEMO_PASSWORD, DEMO_USERS, load_demo
from domain.models.challenges import Application, Challenge
from domain.models.chat import Conversation, Message
from domain.services import accounts


async def test_demo_data_is_usable(deps) -> None:
    await load_demo(deps)
    assert await Challenge.count() == len(DEMO_CHALLENGES)
    assert await Application.count() == 2
    [conversation] = await Conversation.find({}).to_list()
    assert conversation.last_seq == 3 and await Message.count() == 3
    for email, _, role in DEMO_USERS:
        _, user = await accounts.login(deps, {"email": email, "password": DEMO_PASSWORD})
        assert user.role == role


async def test_demo_twice_reuses_the_users(deps) -> None:
    await load_demo(deps)
    await load_demo(deps)
    from domain.models.users import User

    assert await User.count() == len(DEMO_USERS)
