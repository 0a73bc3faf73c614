"""Telegram's DMs go through the core's delivery (``bots.core.delivery`` over
``TelegramPlatform``): a notification DM carries the core's buttons as inline keyboards that
the bot's own handlers answer, an event handed over twice (as the durable log may after a
crash) is not sent twice, and what a person switched off in /settings does not reach them."""

from __future__ import annotations

from bots.core.delivery import Delivery
from bots.telegram.platform import TelegramPlatform
from domain.deps import Deps
from domain.events import NotificationCreated
from domain.models.users import PlatformIdentity
from domain.services import applications, challenges
from tests.bots.telegram.conftest import Telegram
from tests.bots.telegram.fake_bot_api import FakeBotApi
from tests.conftest import challenge_data


def notifications_for(deps: Deps, user_id: str) -> list[NotificationCreated]:
    return [e for e in deps.bus.published
            if isinstance(e, NotificationCreated) and e.user_id == user_id]


async def test_notification_dm_buttons_receipts_and_preferences(
        telegram: Telegram, bot_api: FakeBotApi, users, deps: Deps) -> None:
    tess = telegram.person(4001, "Tess")
    await tess.send("/start")  # her first contact makes her account
    identity = await PlatformIdentity.find_one({"platform": "telegram", "external_id": "4001"})
    assert identity is not None
    challenge = await challenges.post_challenge(deps, identity.user_id, challenge_data())
    solver = await users.make("sol")

    await applications.apply(deps, solver.id, challenge.id, {"proposal": "I profile first."})
    await telegram.settle()
    dm = await bot_api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == tess.id
                                and "I profile first." in c.text)
    assert dm.text.startswith("🔔 ")
    assert [b["text"] for b in dm.buttons()] == ["✅ Accept", "✖️ Reject", "💬 Message",
                                                 "View challenge"]
    # The buttons are the core's actions, which the bot's handlers answer.
    calls = await tess.press("View challenge")
    assert any("Make the importer fast" in c.text for c in calls)

    # The same event again (a durable log's redelivery): the receipt says it went out.
    event = notifications_for(deps, identity.user_id)[-1]
    before = len(bot_api.sent_to(tess.id))
    await Delivery(TelegramPlatform(telegram.bot)).handle(event, "redelivered")
    assert len(bot_api.sent_to(tess.id)) == before

    # Switched off for Telegram: the next application is not DMed here.
    answer = await tess.send("/settings telegram application.received off")
    assert answer is not None and "application.received: off here" in answer.text
    other = await users.make("otto")
    await applications.apply(deps, other.id, challenge.id, {"proposal": "Rewrite in Rust."})
    await telegram.settle()
    assert len(notifications_for(deps, identity.user_id)) == 2  # it was notified ...
    assert not any("Rewrite in Rust." in c.text for c in bot_api.sent_to(tess.id))  # ... not DMed
