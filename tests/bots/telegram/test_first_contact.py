"""A first message makes a member account tied to the Telegram identity; deep links from a
group's card open the challenge in the private chat."""

from __future__ import annotations

from domain.models.users import PlatformIdentity, User
from domain.services import challenges
from tests.bots.telegram.conftest import Telegram
from tests.conftest import challenge_data


async def test_first_contact_creates_one_member_account(telegram: Telegram) -> None:
    ann = telegram.person(1001, "Ann")
    answer = await ann.send("/start")
    assert "Hello, Ann" in answer.text and "/link CODE" in answer.text and "/post" in answer.text
    await ann.send("/help")
    identities = await PlatformIdentity.find({"platform": "telegram"}).to_list()
    assert [i.external_id for i in identities] == ["1001"]
    user = await User.get(identities[0].user_id)
    assert user.display_name == "Ann" and user.role == "member" and user.email is None


async def test_deep_link_from_a_group_card(telegram: Telegram, users, deps) -> None:
    owner = await users.make("owner")
    challenge = await challenges.post_challenge(deps, owner.id, challenge_data())
    bo = telegram.person(1002, "Bo")
    answer = await bo.send(f"/start c_{challenge.id}")
    assert "Make the importer fast" in answer.text and "300.00 USD" in answer.text
    assert [b["text"] for b in answer.buttons()] == ["Apply", "Applications"]
    calls = await bo.press("Apply")
    assert any("Send your proposal" in c.text for c in calls)
