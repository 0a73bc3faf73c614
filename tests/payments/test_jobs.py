"""The auto-refund job, scheduled and run through the durable jobs stream."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import workers
from domain.deps import Deps
from domain.models.challenges import Challenge
from domain.models.common import utcnow
from domain.models.escrow import Escrow
from domain.services import challenges, escrow
from domain.services.common import update_where
from openchance.runtime import runtime
from openchance.settings import Settings
from tests.conftest import Users, challenge_data


async def funded_without_solver(deps: Deps, users: Users, days_ago: int) -> Escrow:
    owner = await users.make("owner")
    challenge = await challenges.post_challenge(deps, owner.id, challenge_data())
    started, _ = await escrow.start_funding(deps, owner.id, challenge.id)
    await escrow.confirm_funding(deps, started.id, amount=started.amount,
                                 currency=started.currency, reference="pi_sim_job")
    aged = await update_where(Escrow, {"_id": started.id},
                              {"$set": {"updated_at": utcnow() - timedelta(days=days_ago)}})
    assert aged is not None
    return aged


async def test_job_refunds_stale_escrows_and_leaves_fresh_ones(deps: Deps, users: Users,
                                                               gateway, storage) -> None:
    deps.auto_refund_days = 14
    stale = await funded_without_solver(deps, users, days_ago=15)
    fresh = await funded_without_solver(deps, users, days_ago=3)
    def only_auto_refund(rt) -> None:
        workers.setup(rt, intervals={"auto_refund": 0.05}, first_delay=0)

    async with runtime(Settings(_env_file=None), "serve", storage=storage, deps=deps,
                       setup=only_auto_refund):
        for _ in range(100):
            if (await Escrow.get(stale.id)).state == "refunded":
                break
            await asyncio.sleep(0.05)
    assert (await Escrow.get(stale.id)).state == "refunded"
    assert (await Escrow.get(fresh.id)).state == "funded"
    assert (await Challenge.get(stale.challenge_id)).state == "cancelled"
    assert [amount for _, amount in gateway.refunds.values()] == [30_000]
