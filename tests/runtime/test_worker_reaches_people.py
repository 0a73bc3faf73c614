"""What `openchance worker` does on its own (an auto-refund, a deadline expiry) reaches the
owner's web socket on a `serve` node and the owner's Telegram DMs from the bot process: three
roles, one store, one Redis."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

import workers
from domain.deps import Deps
from domain.jobs import ConsumerOptions
from domain.models.challenges import Challenge
from domain.models.common import utcnow
from domain.models.escrow import Escrow
from domain.services import challenges, escrow
from domain.services.common import update_where
from openchance.runtime import runtime
from tests.bots.telegram.conftest import TOKEN
from tests.bots.telegram.fake_bot_api import FakeBotApi
from tests.conftest import challenge_data
from tests.realtime.conftest import LiveClient, serve
from tests.runtime.conftest import isolated_settings
from tests.runtime.flows import BotProcess, member, texts

QUICK = ConsumerOptions(block_ms=100)


@pytest.fixture
async def bot_api() -> Any:
    api = FakeBotApi()
    await api.start()
    yield api
    await api.close()


async def funded(deps: Deps, owner_id: str, **data: Any) -> Challenge:
    challenge = await challenges.post_challenge(deps, owner_id, challenge_data(**data))
    started, _ = await escrow.start_funding(deps, owner_id, challenge.id)
    await escrow.confirm_funding(deps, started.id, amount=started.amount,
                                 currency=started.currency, reference=f"pi_{challenge.id}")
    return challenge


def both_arrived(pushes: list[Any]) -> bool:
    kinds = [p["notification"]["kind"] for p in pushes]
    return kinds.count("escrow.refunded") == 2 and "challenge.expired" in kinds


async def test_worker_refund_and_expiry_reach_socket_and_dm(
        storage: Any, deps: Deps, redis_url: str, bot_api: FakeBotApi) -> None:
    settings = isolated_settings(redis_url, telegram_bot_token=TOKEN,
                                 telegram_api_url=bot_api.url)
    serve_settings = settings.model_copy(update={"telegram_bot_token": None})
    bot = BotProcess()
    async for node in serve(storage, deps, serve_settings):
        owner = await member(deps, "olga", 7101)
        stale = await funded(deps, owner.id, title="Stale and unclaimed")
        await update_where(Escrow, {"challenge_id": stale.id},
                           {"$set": {"updated_at": utcnow() - timedelta(days=30)}})
        overdue = await funded(deps, owner.id, title="Past its deadline",
                               deadline=(utcnow() + timedelta(days=2)).isoformat())
        await update_where(Challenge, {"_id": overdue.id},
                           {"$set": {"deadline": utcnow() - timedelta(minutes=1)}})
        socket: LiveClient = await node.client(token=owner.token)

        def only_worker_jobs(rt: Any) -> None:
            workers.setup(rt, intervals={"auto_refund": 0.3, "expire_deadlines": 0.3},
                          first_delay=0)

        async with runtime(settings, "bot telegram", storage=storage, setup=bot,
                           options=QUICK), \
                runtime(settings, "worker", storage=storage, setup=only_worker_jobs,
                        options=QUICK):
            pushes = await socket.wait_for("notification", both_arrived, timeout=30)
            await bot.drain()
        await bot.close()

        assert (await Challenge.get(overdue.id)).state == "expired"
        assert (await Challenge.get(stale.id)).state == "cancelled"
        assert {(await Escrow.find_one({"challenge_id": c.id})).state
                for c in (stale, overdue)} == {"refunded"}
        refunded_titles = {p["notification"]["text"] for p in pushes
                           if p["notification"]["kind"] == "escrow.refunded"}
        assert any("Stale and unclaimed" in t for t in refunded_titles)
        assert any("Past its deadline" in t for t in refunded_titles)
        updated = await socket.wait_for("escrow:updated", lambda p: len(p) >= 2)
        assert {p["escrow"]["state"] for p in updated} == {"refunded"}

        dms = texts(bot_api.sent_to(7101))
        assert sum(t.startswith("🔔 The escrow for") and "was refunded" in t for t in dms) == 2
        assert sum("passed its deadline" in t and "Past its deadline" in t for t in dms) == 1
