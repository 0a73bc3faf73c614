"""Deadlines: open challenges past theirs expire (and what was held goes back); the owner and
the accepted solver are reminded 24 hours before. Both run as the worker's periodic jobs and
are safe to run again or on several workers at once: each step is a conditional update."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from domain.deps import Deps
from domain.errors import Conflict, GatewayFailed, InvalidTransition
from domain.events import ChallengeExpired, ChallengeUpdated, DeadlineApproaching
from domain.models.challenges import Challenge, ChallengeState
from domain.models.common import utcnow
from domain.models.escrow import Escrow, EscrowState
from domain.services.common import update_where
from domain.services.escrow_settlement import refund_for_system

log = logging.getLogger(__name__)
REMINDER_AHEAD = timedelta(hours=24)


async def _refund_if_held(deps: Deps, challenge: Challenge) -> int:
    escrow = await Escrow.find_one({"challenge_id": challenge.id})
    if escrow is None or escrow.state != EscrowState.FUNDED:
        return 0
    try:
        refunded = await refund_for_system(deps, escrow, challenge)
    except (Conflict, InvalidTransition, GatewayFailed) as exc:
        log.warning("expired challenge %s: refund not done yet (%s)", challenge.id, exc)
        return 0  # the next run tries again: the challenge is expired and still holds money
    return refunded.amount


async def expire_overdue(deps: Deps, now: datetime | None = None) -> list[str]:
    """Expire open challenges whose deadline passed; refund what their escrows hold. Returns
    the ids of challenges expired by this run."""
    now = now or utcnow()
    expired: list[str] = []
    async for challenge in Challenge.find({"state": ChallengeState.OPEN,
                                           "deadline": {"$lt": now}}):
        claimed = await update_where(
            Challenge, {"_id": challenge.id, "state": ChallengeState.OPEN},
            {"$set": {"state": ChallengeState.EXPIRED, "updated_at": utcnow()}})
        if claimed is None:
            continue  # accepted, cancelled or expired by someone else meanwhile
        refunded = await _refund_if_held(deps, claimed)
        await deps.bus.publish(ChallengeUpdated(challenge_id=claimed.id, state=claimed.state))
        await deps.bus.publish(ChallengeExpired(challenge_id=claimed.id,
                                                owner_id=claimed.owner_id, refunded=refunded))
        expired.append(claimed.id)
    # Expired earlier while the gateway was down: their money still goes back.
    async for challenge in Challenge.find({"state": ChallengeState.EXPIRED}):
        if (await Escrow.find_one({"challenge_id": challenge.id,
                                   "state": EscrowState.FUNDED})) is not None:
            await _refund_if_held(deps, challenge)
    return expired


async def remind_upcoming(deps: Deps, now: datetime | None = None) -> list[str]:
    """Remind the owner and the accepted solver of deadlines within 24 hours, once each."""
    now = now or utcnow()
    reminded: list[str] = []
    async for challenge in Challenge.find({
            "state": {"$in": [ChallengeState.OPEN, ChallengeState.IN_PROGRESS]},
            "deadline": {"$gt": now, "$lte": now + REMINDER_AHEAD}, "reminded_at": None}):
        claimed = await update_where(Challenge, {"_id": challenge.id, "reminded_at": None},
                                     {"$set": {"reminded_at": now}})
        if claimed is None or claimed.deadline is None:
            continue
        recipients = tuple(u for u in (claimed.owner_id, claimed.solver_id) if u)
        await deps.bus.publish(DeadlineApproaching(
            challenge_id=claimed.id, recipient_ids=recipients,
            deadline=claimed.deadline.isoformat()))
        reminded.append(claimed.id)
    return reminded
