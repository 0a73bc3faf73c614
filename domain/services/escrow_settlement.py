"""Escrow use cases that end it early: refund, dispute, a moderator's resolution."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from domain.deps import Deps
from domain.errors import Conflict, Forbidden, GatewayFailed, InvalidTransition, ValidationFailed
from domain.events import DisputeOpened
from domain.models.challenges import Challenge
from domain.models.common import utcnow
from domain.models.escrow import (
    DecisionKind,
    Dispute,
    Escrow,
    EscrowState,
    MilestoneState,
    MoneyClaim,
)
from domain.models.users import User
from domain.services import challenges as challenge_service
from domain.services import escrow_claims as claims
from domain.services.common import get_or_404, load_actor, parse, require_moderator
from domain.services.escrow_core import announce, escrow_of, mutate, participants
from domain.services.inputs import DisputeInput, ResolveInput
from domain.services.moderation_log import audit
from domain.state_machines import ESCROW, ensure

OPEN_MILESTONE = (MilestoneState.PENDING, MilestoneState.SUBMITTED)
SYSTEM_ACTOR = "system"


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

    async def audited(claim: MoneyClaim) -> None:
        if actor.is_moderator and not is_owner:
            await audit(actor.id, "escrow.refund", "challenge", challenge.id,
                        {"amount": claim.refund_amount, "reason": reason})

    return await refund_escrow(deps, escrow, actor.id, DecisionKind.REFUND,
                               owner_only=not actor.is_moderator, on_taken=audited)


async def refund_escrow(deps: Deps, escrow: Escrow, actor_id: str, kind: DecisionKind,
                        owner_only: bool, on_taken: claims.OnTaken | None = None) -> Escrow:
    """Claim "refund what is held" (one decision per escrow) and carry it out."""

    def plan(escrow: Escrow) -> claims.Plan:
        if escrow.state not in (EscrowState.FUNDED, EscrowState.PARTIALLY_RELEASED):
            raise InvalidTransition(f"the escrow is {escrow.state}; there is nothing to refund")
        if owner_only and escrow.state != EscrowState.FUNDED:
            raise Forbidden("money was already released; ask a moderator or open a dispute")
        if any(m.state == MilestoneState.RELEASING for m in escrow.milestones):
            raise Conflict("a release is in progress; try again in a moment")
        ensure(ESCROW, escrow.state, EscrowState.REFUNDED, "escrow")
        return claims.Plan(release_amount=0, refund_amount=escrow.held, fee=0, sets={
            f"milestones.{i}.state": MilestoneState.REFUNDING
            for i, m in enumerate(escrow.milestones) if m.state in OPEN_MILESTONE})

    request = claims.Request(slot=claims.CLOSE, kind=kind, actor_id=actor_id)
    return await claims.decide(deps, escrow.id, request, plan, on_taken)


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
    if not card and escrow.open_claim(claims.CLOSE) is not None:
        raise Conflict("the escrow is being settled; a dispute can no longer change that")
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
    """A moderator settles a dispute: release to the solver, refund the challenger, or split.
    One resolution per dispute: a different second one is refused, the same one repeated
    answers the first one's result."""
    moderator = await require_moderator(actor_id)
    form = parse(ResolveInput, data)
    challenge = await get_or_404(Challenge, challenge_id, "challenge")
    escrow = await escrow_of(challenge)
    if form.release_amount > 0 and not challenge.solver_id:
        raise ValidationFailed("there is no accepted solver to release money to")

    def plan(escrow: Escrow) -> claims.Plan:
        if escrow.state != EscrowState.DISPUTED or escrow.dispute is None:
            raise InvalidTransition(f"the escrow is {escrow.state}, not disputed")
        if any(m.state == MilestoneState.RELEASING for m in escrow.milestones):
            raise Conflict("a release is in progress; try again in a moment")
        if form.release_amount + form.refund_amount != escrow.held:
            raise ValidationFailed(f"release_amount + refund_amount must equal the "
                                   f"{escrow.held} still held")
        return claims.Plan(release_amount=form.release_amount,
                           refund_amount=form.refund_amount,
                           fee=claims.fee_of(form.release_amount, deps.platform_fee_bps),
                           sets={"dispute.resolved_by": moderator.id})

    async def audited(claim: MoneyClaim) -> None:
        await audit(moderator.id, "escrow.resolve", "challenge", challenge.id,
                    {"release_amount": claim.release_amount,
                     "refund_amount": claim.refund_amount, "fee": claim.fee})

    request = claims.Request(slot=claims.CLOSE, kind=DecisionKind.RESOLVE,
                             actor_id=moderator.id, release_amount=form.release_amount,
                             refund_amount=form.refund_amount)
    return await claims.decide(deps, escrow.id, request, plan, audited)


async def auto_refund_stale(deps: Deps, system_user: User | None = None) -> list[str]:
    """Refund escrows funded ``auto_refund_days`` ago whose challenge still has no solver."""
    cutoff = utcnow() - timedelta(days=deps.auto_refund_days)
    refunded: list[str] = []
    async for escrow in Escrow.find({"state": EscrowState.FUNDED, "updated_at": {"$lt": cutoff}}):
        challenge = await Challenge.get(escrow.challenge_id)
        if challenge is None or challenge.solver_id:
            continue
        try:
            await refund_escrow(deps, escrow, SYSTEM_ACTOR, DecisionKind.AUTO_REFUND,
                                owner_only=False)
        except (Conflict, InvalidTransition, GatewayFailed):
            continue  # someone acted meanwhile, or the gateway is down: next run tries again
        refunded.append(escrow.id)
    return refunded


async def refund_for_system(deps: Deps, escrow: Escrow, challenge: Challenge) -> Escrow:
    """Give back what ``escrow`` holds on the platform's own decision (an expired deadline):
    claimed like any refund, as the expiry refund."""
    return await refund_escrow(deps, escrow, SYSTEM_ACTOR, DecisionKind.EXPIRY_REFUND,
                               owner_only=False)
