"""Moderator commands from Telegram: the domain alone decides who may use them."""

from __future__ import annotations

from domain.models.users import Role, User
from domain.services import challenges, moderation
from domain.services.common import update_where
from tests.bots.telegram.conftest import Person, Telegram
from tests.bots.telegram.fake_bot_api import FakeBotApi
from tests.conftest import challenge_data

GROUP = {"id": -100777, "type": "supergroup", "title": "Lobby"}


async def _account(person: Person) -> User:
    await person.send("/start")  # first contact makes the account
    found = await User.find_one({"display_name": person.name})
    assert found is not None
    return found


async def test_bans_unbans_and_refusals(telegram: Telegram, bot_api: FakeBotApi, deps) -> None:
    mo, eve = telegram.person(4001, "Mo"), telegram.person(4002, "Eve")
    mo_user, eve_user = await _account(mo), await _account(eve)
    await update_where(User, {"_id": mo_user.id}, {"$set": {"role": Role.MODERATOR}})

    refused = await eve.send(f"/ban {mo_user.id} I do not like him")
    assert "moderators only" in refused.text
    assert not (await User.get(mo_user.id)).banned

    banned = await mo.send(f"/ban {eve_user.id} spam links")
    assert "Eve is banned" in banned.text and "spam links" in banned.text
    assert (await User.get(eve_user.id)).banned
    # Her next command is refused by the domain, before any wizard starts.
    assert "this account is banned" in (await eve.send("/post")).text
    assert "this account is banned" in (await eve.send("/my")).text

    again = await mo.send(f"/ban {eve_user.id}")
    assert "already banned" in again.text
    assert "may act again" in (await mo.send(f"/unban {eve_user.id}")).text
    assert "Step 1/6" in (await eve.send("/post")).text

    # In a group, a moderator bans by replying to the person's message.
    said = eve.message("buy cheap followers", chat=GROUP)
    await telegram.feed({"message": said})
    answer = await mo.send("/ban selling followers", chat=GROUP, reply_to=said)
    assert "Eve is banned" in answer.text and (await User.get(eve_user.id)).ban_reason == (
        "selling followers")


async def test_remove_and_reports(telegram: Telegram, bot_api: FakeBotApi, deps) -> None:
    mo, ivy = telegram.person(4101, "Mo"), telegram.person(4102, "Ivy")
    mo_user, ivy_user = await _account(mo), await _account(ivy)
    await update_where(User, {"_id": mo_user.id}, {"$set": {"role": Role.MODERATOR}})
    bot_api.chat_members[(GROUP["id"], ivy.id)] = "creator"
    await ivy.send("/community on", chat=GROUP)
    spam = await challenges.post_challenge(deps, ivy_user.id, challenge_data(title="Totally legit"))
    await telegram.settle()
    assert "Totally legit" in bot_api.last_to(GROUP["id"]).text
    await moderation.report(deps, ivy_user.id, {"target_type": "challenge",
                                                "target_id": spam.id, "reason": "scam"})

    assert "moderators only" in (await ivy.send("/reports")).text
    listed = await mo.send("/reports")
    assert "Open reports (1)" in listed.text and spam.id in listed.text and "scam" in listed.text

    assert "moderators only" in (await ivy.send(f"/remove {spam.id}")).text
    removed = await mo.send(f"/remove {spam.id} scam")
    assert "“Totally legit” was removed" in removed.text
    card = next(m for (chat, _), m in bot_api.messages.items()
                if chat == GROUP["id"] and "Totally legit" not in m["text"]
                and "removed" in m["text"])
    assert "removed by a moderator" in card["text"] and "reply_markup" not in card
    assert "already removed" in (await mo.send(f"/remove {spam.id}")).text
