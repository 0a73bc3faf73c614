"""`openchance bot telegram` down while applications, releases and messages happen: when it is
back, every missed DM arrives exactly once, in order per recipient, and nothing is sent again
on the next restart."""

from __future__ import annotations

from typing import Any

import pytest

from domain.services import applications, challenges, conversations, escrow
from openchance.runtime import runtime
from tests.bots.telegram.conftest import TOKEN
from tests.bots.telegram.fake_bot_api import FakeBotApi
from tests.conftest import challenge_data
from tests.runtime.conftest import isolated_settings
from tests.runtime.flows import BotProcess, member, texts


@pytest.fixture
async def bot_api() -> Any:
    api = FakeBotApi()
    await api.start()
    yield api
    await api.close()


async def run_bot_once(settings: Any, storage: Any) -> None:
    bot = BotProcess()
    async with runtime(settings, "bot telegram", storage=storage, setup=bot):
        await bot.drain()
    await bot.close()


async def test_missed_dms_arrive_once_in_order(storage: Any, redis_url: str,
                                               bot_api: FakeBotApi) -> None:
    serve_settings = isolated_settings(redis_url)
    bot_settings = serve_settings.model_copy(update={
        "telegram_bot_token": TOKEN, "telegram_api_url": bot_api.url})
    await run_bot_once(bot_settings, storage)  # it ran before, then went down

    async with runtime(serve_settings, "serve", storage=storage) as serve:
        deps = serve.deps
        alice, bob = await member(deps, "alice", 7001), await member(deps, "bob", 7002)
        challenge = await challenges.post_challenge(deps, alice.id, challenge_data())
        application = await applications.apply(deps, bob.id, challenge.id,
                                                {"proposal": "I can do it"})
        await applications.accept(deps, alice.id, application.id)
        started, _ = await escrow.start_funding(deps, alice.id, challenge.id)
        await escrow.confirm_funding(deps, started.id, amount=started.amount,
                                     currency=started.currency, reference="pi_sim_down")
        await escrow.submit_milestone(deps, bob.id, challenge.id, 1, {"note": "plan.md"})
        await escrow.release_milestone(deps, alice.id, challenge.id, 1)
        chat = await conversations.open_conversation(deps, alice.id, {"user_id": bob.id})
        for sender, body in ((bob, "one"), (alice, "two"), (bob, "three")):
            await conversations.send_message(deps, sender.id, {
                "conversation_id": chat.id, "body": body, "client_id": body})
    assert bot_api.sent_to(7001) == bot_api.sent_to(7002) == []  # the bot is down

    await run_bot_once(bot_settings, storage)
    to_alice, to_bob = texts(bot_api.sent_to(7001)), texts(bot_api.sent_to(7002))
    expected_alice = ["New application", "is funded", "Milestone 1", "Milestone 1", "one",
                      "three"]
    assert len(to_alice) == len(expected_alice), to_alice
    assert all(part in text for part, text in zip(expected_alice, to_alice, strict=True))
    assert "submitted" in to_alice[2] and "released" in to_alice[3]
    expected_bob = ["was accepted", "is funded", "was released", "two"]
    assert len(to_bob) == len(expected_bob), to_bob
    assert all(part in text for part, text in zip(expected_bob, to_bob, strict=True))

    sent = len(bot_api.calls)
    await run_bot_once(bot_settings, storage)  # another restart delivers nothing twice
    assert [c.method for c in bot_api.calls[sent:] if c.method == "sendMessage"] == []
