"""Escrow plumbing shared by funding, release, refund and disputes.

Every change to an escrow is a compare-and-set on its ``version``: read, decide with the
transition rules, write only if nobody wrote in between, else read again. The ledger is pushed
in the same update as the state it explains, so the two can never disagree.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from domain.deps import Deps
from domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.events import EscrowChanged
from domain.models.challenges import Challenge
from domain.models.common import utcnow
from domain.models.escrow import Escrow, LedgerEntry
from domain.models.users import User
from domain.services.common import get_or_404, update_where

Change = Callable[[Escrow], dict[str, Any] | None]
_MAX_ATTEMPTS = 200


async def escrow_of(challenge: Challenge) -> Escrow:
    escrow = await Escrow.find_one({"challenge_id": challenge.id})
    if escrow is None:
        raise NotFound("this challenge has no escrow yet; the challenger funds it first")
    return escrow


async def mutate(escrow_id: str, change: Change) -> Escrow:
    """Apply ``change`` (which returns a MongoDB update, or None for no-op) atomically."""
    for _ in range(_MAX_ATTEMPTS):
        escrow = await get_or_404(Escrow, escrow_id, "escrow")
        update = change(escrow)
        if update is None:
            return escrow
        update.setdefault("$set", {})["updated_at"] = utcnow()
        update.setdefault("$inc", {})["version"] = 1
        updated = await update_where(Escrow, {"_id": escrow.id, "version": escrow.version},
                                     update)
        if updated is not None:
            return updated
        await asyncio.sleep(0)
    raise Conflict("the escrow is busy; try again")


def ledger_push(entries: list[LedgerEntry]) -> dict[str, Any]:
    return {"$push": {"ledger": {"$each": [e.model_dump() for e in entries]}}}


def has_entry(escrow: Escrow, key: str) -> bool:
    return any(entry.idempotency_key == key for entry in escrow.ledger)


def milestone_index(escrow: Escrow, n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValidationFailed("milestone number must be an integer from 1")
    if n > len(escrow.milestones):
        raise NotFound(f"milestone {n} does not exist (this escrow has "
                       f"{len(escrow.milestones)})")
    return n - 1


def participants(challenge: Challenge) -> tuple[str, ...]:
    return tuple(p for p in (challenge.owner_id, challenge.solver_id) if p)


def ensure_can_view(actor: User, challenge: Challenge) -> None:
    if actor.id not in participants(challenge) and not actor.is_moderator:
        raise Forbidden("only the challenger, the accepted solver and moderators see the escrow")


EscrowEvent = TypeVar("EscrowEvent", bound=EscrowChanged)


async def announce(deps: Deps, escrow: Escrow, challenge: Challenge,
                   fact: type[EscrowEvent], **details: Any) -> None:
    """Publish ``fact`` (one of the EscrowChanged events) about ``escrow``, with ``details``."""
    await deps.bus.publish(fact(
        escrow_id=escrow.id, challenge_id=challenge.id, state=escrow.state,
        participant_ids=participants(challenge), **details))
