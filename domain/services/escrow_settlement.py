"""Escrow use cases that end it early: refund, dispute, a moderator's resolution."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from domain.deps import Deps
from domain.errors import Conflict, Forbidden, GatewayFailed, InvalidTransition, ValidationFailed
from domain.events import DisputeOpened, DisputeResolved, EscrowRefunded
from domain.models.challenges import Challenge, ChallengeState
from domain.models.common import utcnow
from domain.models.escrow import (
    Dispute,
    Escrow,
    EscrowState,
    LedgerEntry,
    LedgerKind,
    MilestoneState,
)
from domain.models.users import User
from domain.services import challenges as challenge_service
from domain.services.common import get_or_404, load_actor, parse, require_moderator
from domain.services.escrow_core import (
    announce,
    escrow_of,
    has_entry,
    ledger_push,
    mutate,
    participants,
    refund_held,
    transfer_held,
)
from domain.services.inputs import DisputeInput, ResolveInput
from domain.services.moderation_log import audit
from domain.state_machines import ESCROW, ensure

OPEN_MILESTONE = (MilestoneState.PENDING, MilestoneState.SUBMITTED)


async def _close_challenge(deps: Deps, challenge: Challenge, escrow: Escrow) -> None:
    """After the money is settled: completed if the solver was paid anything, else cancelled."""
    fresh = await get_or_404(Challenge, challenge.id, "challenge")
    if fresh.state == ChallengeState.IN_PROGRESS and escrow.total(LedgerKind.RELEASE) > 0:
        await challenge_service.set_state(deps, fresh, ChallengeState.COMPLETED)
    elif fresh.state in (ChallengeState.OPEN, ChallengeState.IN_PROGRESS):
        await challenge_service.set_state(deps, fresh, ChallengeState.CANCELLED)


async def refund(deps: Deps, actor_id: str, challenge_id: str,
                 reason: str = "refund requested") -> Escrow:
    """Give back everything still held. The challenger may while nothing was released;
    moderators (and the auto-refund job, as the system) may at any funded point."""
    actor = await load_actor(actor_id)
    challenge = await challenge_service.get_challenge(challenge_id, actor)
    is_owner = challenge.owner_id == actor.id
    if not is_owner and not actor.is_moderator:
        raise Forbidden("only the challenger or a moderator can refund")
    escrow = await escrow_of(challenge)
    result = await _refund_escrow(deps, escrow, challenge, owner_only=not actor.is_moderator)
    if actor.is_moderator and not is_owner:
        await audit(actor.id, "escrow.refund", "challenge", challenge.id,
                    {"amount": result.total(LedgerKind.REFUND), "reason": reason})
    return result


async def _refund_escrow(deps: Deps, escrow: Escrow, challenge: Challenge,
                         owner_only: bool) -> Escrow:
    key = f"escrow:{escrow.id}:refund"

    def claim(escrow: Escrow) -> dict[str, Any]:
        if escrow.state not in (EscrowState.FUNDED, EscrowState.PARTIALLY_RELEASED):
            raise InvalidTransition(f"the escrow is {escrow.state}; there is nothing to refund")
        if owner_only and escrow.state != EscrowState.FUNDED:
            raise Forbidden("money was already released; ask a moderator or open a dispute")
        if any(m.state == MilestoneState.RELEASING for m in escrow.milestones):
            raise Conflict("a release is in progress; try again in a moment")
        ensure(ESCROW, escrow.state, EscrowState.REFUNDED, "escrow")
        return {"$set": {f"milestones.{i}.state": MilestoneState.REFUNDING
                         for i, m in enumerate(escrow.milestones) if m.state in OPEN_MILESTONE}}

    escrow = await mutate(escrow.id, claim)
    amount = escrow.held
    try:
        reference = await refund_held(deps, escrow, key, amount)
    except GatewayFailed:
        await mutate(escrow.id, _unclaim_refund)
        raise

    def finish(escrow: Escrow) -> dict[str, Any] | None:
        if has_entry(escrow, key):
            return None
        entry = LedgerEntry(kind=LedgerKind.REFUND, amount=amount, idempotency_key=key,
                            reference=reference)
        sets: dict[str, Any] = {f"milestones.{i}.state": MilestoneState.REFUNDED
                                for i, m in enumerate(escrow.milestones)
                                if m.state == MilestoneState.REFUNDING}
        sets["state"] = EscrowState.REFUNDED
        return {"$set": sets, **ledger_push([entry])}

    escrow = await mutate(escrow.id, finish)
    await _close_challenge(deps, challenge, escrow)
    await announce(deps, escrow, challenge, EscrowRefunded, amount=amount,
                   currency=escrow.currency)
    return escrow


def _unclaim_refund(escrow: Escrow) -> dict[str, Any] | None:
    sets = {f"milestones.{i}.state": (MilestoneState.SUBMITTED if m.submitted_at
                                      else MilestoneState.PENDING)
            for i, m in enumerate(escrow.milestones) if m.state == MilestoneState.REFUNDING}
    return {"$set": sets} if sets else None


async def open_dispute(deps: Deps, actor_id: str, challenge_id: str,
                       data: Mapping[str, Any]) -> Escrow:
    actor = await load_actor(actor_id)
    form = parse(DisputeInput, data)
    challenge = await challenge_service.get_challenge(challenge_id, actor)
    if actor.id not in participants(challenge):
        raise Forbidden("only the challenger or the accepted solver can open a dispute")
    escrow = await escrow_of(challenge)
    escrow = await mutate(escrow.id, lambda e: _freeze(e, actor.id, form.reason, card=False))
    await announce(deps, escrow, challenge, DisputeOpened)
    return escrow


def _freeze(escrow: Escrow, by: str, reason: str, card: bool) -> dict[str, Any] | None:
    if escrow.state == EscrowState.DISPUTED:
        if card or (escrow.dispute and escrow.dispute.opened_by == by):
            return None  # already frozen: a repeat is not an error for the same party
        raise Conflict("a dispute is already open")
    ensure(ESCROW, escrow.state, EscrowState.DISPUTED, "escrow")
    dispute = Dispute(opened_by=by, reason=reason, state_before=escrow.state, card_dispute=card)
    return {"$set": {"state": EscrowState.DISPUTED, "dispute": dispute.model_dump()}}


async def freeze_for_card_dispute(deps: Deps, escrow_id: str, reason: str) -> Escrow:
    """A chargeback reported by the payment provider freezes the escrow like a dispute."""
    escrow = await mutate(escrow_id, lambda e: _freeze(e, "payment-provider", reason, card=True))
    challenge = await get_or_404(Challenge, escrow.challenge_id, "challenge")
    await announce(deps, escrow, challenge, DisputeOpened, by_provider=True)
    return escrow


async def resolve_dispute(deps: Deps, actor_id: str, challenge_id: str,
                          data: Mapping[str, Any]) -> Escrow:
    """A moderator settles a dispute: release to the solver, refund the challenger, or split."""
    moderator = await require_moderator(actor_id)
    form = parse(ResolveInput, data)
    challenge = await get_or_404(Challenge, challenge_id, "challenge")
    escrow = await escrow_of(challenge)
    if form.release_amount > 0 and not challenge.solver_id:
        raise ValidationFailed("there is no accepted solver to release money to")

    def claim(escrow: Escrow) -> dict[str, Any] | None:
        if escrow.state != EscrowState.DISPUTED or escrow.dispute is None:
            raise InvalidTransition(f"the escrow is {escrow.state}, not disputed")
        if escrow.dispute.resolved_by not in (None, moderator.id):
            raise Conflict("another moderator is resolving this dispute")
        if any(m.state == MilestoneState.RELEASING for m in escrow.milestones):
            raise Conflict("a release is in progress; try again in a moment")
        if form.release_amount + form.refund_amount != escrow.held:
            raise ValidationFailed(f"release_amount + refund_amount must equal the "
                                   f"{escrow.held} still held")
        return {"$set": {"dispute.resolved_by": moderator.id}}

    escrow = await mutate(escrow.id, claim)
    await _settle(deps, escrow, challenge, form.release_amount, form.refund_amount)
    escrow = await get_or_404(Escrow, escrow.id, "escrow")
    await audit(moderator.id, "escrow.resolve", "challenge", challenge.id,
                {"release_amount": form.release_amount, "refund_amount": form.refund_amount})
    await _close_challenge(deps, challenge, escrow)
    await announce(deps, escrow, challenge, DisputeResolved,
                   release_amount=form.release_amount, refund_amount=form.refund_amount)
    return escrow


async def _settle(deps: Deps, escrow: Escrow, challenge: Challenge, release: int,
                  give_back: int) -> None:
    entries: list[LedgerEntry] = []
    if release:
        key = f"escrow:{escrow.id}:resolve:release"
        ref = await transfer_held(deps, escrow, challenge, key, release)
        entries.append(LedgerEntry(kind=LedgerKind.RELEASE, amount=release, idempotency_key=key,
                                   reference=ref))
    if give_back:
        key = f"escrow:{escrow.id}:resolve:refund"
        ref = await refund_held(deps, escrow, key, give_back)
        entries.append(LedgerEntry(kind=LedgerKind.REFUND, amount=give_back,
                                   idempotency_key=key, reference=ref))
    final = EscrowState.REFUNDED if give_back else EscrowState.RELEASED
    settled = MilestoneState.REFUNDED if give_back else MilestoneState.RELEASED

    def finish(escrow: Escrow) -> dict[str, Any] | None:
        fresh = [e for e in entries if not has_entry(escrow, e.idempotency_key)]
        if escrow.state != EscrowState.DISPUTED:
            return None
        sets: dict[str, Any] = {f"milestones.{i}.state": settled
                                for i, m in enumerate(escrow.milestones)
                                if m.state in OPEN_MILESTONE}
        sets.update({"state": final, "dispute.resolution": {"release_amount": release,
                                                             "refund_amount": give_back}})
        return {"$set": sets, **(ledger_push(fresh) if fresh else {})}

    await mutate(escrow.id, finish)


async def auto_refund_stale(deps: Deps, system_user: User | None = None) -> list[str]:
    """Refund escrows funded ``auto_refund_days`` ago whose challenge still has no solver."""
    cutoff = utcnow() - timedelta(days=deps.auto_refund_days)
    refunded: list[str] = []
    async for escrow in Escrow.find({"state": EscrowState.FUNDED, "updated_at": {"$lt": cutoff}}):
        challenge = await Challenge.get(escrow.challenge_id)
        if challenge is None or challenge.solver_id:
            continue
        try:
            await _refund_escrow(deps, escrow, challenge, owner_only=False)
        except (Conflict, InvalidTransition, GatewayFailed):
            continue  # someone acted meanwhile, or the gateway is down: next run tries again
        refunded.append(escrow.id)
    return refunded


async def refund_for_system(deps: Deps, escrow: Escrow, challenge: Challenge) -> Escrow:
    """Give back what ``escrow`` holds on the platform's own decision (an expired deadline)."""
    return await _refund_escrow(deps, escrow, challenge, owner_only=False)
