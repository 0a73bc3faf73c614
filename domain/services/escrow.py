"""Escrow use cases: fund, confirm funding, submit work, release a milestone, read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import Conflict, Forbidden, GatewayFailed, InvalidTransition, ValidationFailed
from domain.events import EscrowFunded, MilestoneReleased, MilestoneSubmitted
from domain.models.challenges import Challenge, ChallengeState
from domain.models.common import utcnow
from domain.models.escrow import (
    Escrow,
    EscrowMilestone,
    EscrowState,
    LedgerEntry,
    LedgerKind,
    MilestoneState,
    Submission,
)
from domain.services import challenges as challenge_service
from domain.services.common import get_or_404, load_actor, parse
from domain.services.escrow_core import (
    announce,
    ensure_can_view,
    escrow_of,
    has_entry,
    ledger_push,
    milestone_index,
    mutate,
    note_reference,
    record_operation,
    transfer_held,
)
from domain.services.inputs import SubmitInput
from domain.state_machines import ESCROW, ensure

HOLDING = (EscrowState.FUNDED, EscrowState.PARTIALLY_RELEASED)


def fee_of(amount: int, fee_bps: int) -> int:
    return amount * fee_bps // 10_000


async def get_escrow(actor_id: str, challenge_id: str) -> Escrow:
    actor = await load_actor(actor_id)
    challenge = await challenge_service.get_challenge(challenge_id, actor)
    ensure_can_view(actor, challenge)
    return await escrow_of(challenge)


async def _create_escrow(challenge: Challenge) -> Escrow:
    escrow = Escrow(
        challenge_id=challenge.id, payer_id=challenge.owner_id,
        currency=challenge.reward.currency, amount=challenge.reward.amount,
        milestones=[EscrowMilestone(n=i + 1, title=m.title, amount=m.amount)
                    for i, m in enumerate(challenge.milestones)])
    try:
        await escrow.insert()
    except DuplicateKeyError:
        return await escrow_of(challenge)
    return escrow


async def start_funding(deps: Deps, actor_id: str, challenge_id: str) -> tuple[Escrow, str]:
    """Create the escrow (once) and the checkout where the challenger pays the reward."""
    actor = await load_actor(actor_id)
    challenge = await challenge_service.get_challenge(challenge_id, actor)
    if challenge.owner_id != actor.id:
        raise Forbidden("only the challenger funds the escrow")
    if challenge.state not in (ChallengeState.OPEN, ChallengeState.IN_PROGRESS):
        raise Conflict(f"a challenge that is {challenge.state} cannot be funded")
    existing = await Escrow.find_one({"challenge_id": challenge.id})
    escrow = existing or await _create_escrow(challenge)
    if escrow.state != EscrowState.AWAITING_FUNDING:
        raise InvalidTransition(f"the escrow is already {escrow.state}", current=escrow.state)
    key = f"escrow:{escrow.id}:fund"
    await record_operation(escrow, key, LedgerKind.FUND, escrow.amount)
    try:
        checkout = await deps.gateway.start_funding(
            escrow_id=escrow.id, challenge_id=challenge.id, amount=escrow.amount,
            currency=escrow.currency, idempotency_key=key)
    except Exception as exc:
        raise GatewayFailed(f"the payment provider refused to start the payment: {exc}") from exc
    await note_reference(key, checkout.reference)
    escrow = await mutate(escrow.id, lambda e: None if e.checkout_reference == checkout.reference
                          else {"$set": {"checkout_reference": checkout.reference}})
    return escrow, checkout.url


async def confirm_funding(deps: Deps, escrow_id: str, *, amount: int, currency: str,
                          reference: str) -> Escrow:
    """The gateway says the payment succeeded. Idempotent: a repeat changes nothing."""
    key = f"escrow:{escrow_id}:fund"
    # Set by the run of ``change`` that decided: comparing versions before/after would also
    # announce when a concurrent delivery of the same payment did the work.
    wrote = False

    def change(escrow: Escrow) -> dict[str, Any] | None:
        nonlocal wrote
        wrote = False
        if has_entry(escrow, key):
            return None
        if escrow.state != EscrowState.AWAITING_FUNDING:
            raise InvalidTransition(f"escrow is {escrow.state}, not awaiting funding")
        if amount != escrow.amount or currency.lower() != escrow.currency:
            raise ValidationFailed(f"paid {amount} {currency}, expected {escrow.amount} "
                                   f"{escrow.currency}")
        entry = LedgerEntry(kind=LedgerKind.FUND, amount=amount, idempotency_key=key,
                            reference=reference)
        wrote = True
        return {"$set": {"state": EscrowState.FUNDED}, **ledger_push([entry])}

    escrow = await mutate(escrow_id, change)
    if wrote:
        challenge = await get_or_404(Challenge, escrow.challenge_id, "challenge")
        await announce(deps, escrow, challenge, EscrowFunded, amount=escrow.amount,
                       currency=escrow.currency)
    return escrow


async def submit_milestone(deps: Deps, actor_id: str, challenge_id: str, n: Any,
                           data: Mapping[str, Any]) -> EscrowMilestone:
    actor = await load_actor(actor_id)
    form = parse(SubmitInput, data)
    challenge = await challenge_service.get_challenge(challenge_id, actor)
    if challenge.solver_id != actor.id:
        raise Forbidden("only the accepted solver submits work")
    escrow = await escrow_of(challenge)
    index = milestone_index(escrow, n)

    def change(escrow: Escrow) -> dict[str, Any]:
        milestone = escrow.milestones[index]
        if escrow.state not in HOLDING:
            raise InvalidTransition(f"work is submitted against a funded escrow; it is "
                                    f"{escrow.state}")
        if milestone.state not in (MilestoneState.PENDING, MilestoneState.SUBMITTED):
            raise InvalidTransition(f"milestone {n} is already {milestone.state}")
        prefix = f"milestones.{index}"
        return {"$set": {f"{prefix}.state": MilestoneState.SUBMITTED,
                         f"{prefix}.note": form.note, f"{prefix}.submitted_at": utcnow()}}

    escrow = await mutate(escrow.id, change)
    await Submission(challenge_id=challenge.id, milestone=index + 1, solver_id=actor.id,
                     note=form.note).insert()
    await announce(deps, escrow, challenge, MilestoneSubmitted, milestone=index + 1,
                   solver_id=actor.id, owner_id=challenge.owner_id)
    return escrow.milestones[index]


def _state_after_release(escrow: Escrow, index: int) -> EscrowState:
    if escrow.state == EscrowState.DISPUTED:
        return EscrowState.DISPUTED  # frozen: the moderator's resolution decides what comes next
    rest_released = all(m.state == MilestoneState.RELEASED
                        for i, m in enumerate(escrow.milestones) if i != index)
    target = EscrowState.RELEASED if rest_released else EscrowState.PARTIALLY_RELEASED
    ensure(ESCROW, escrow.state, target, "escrow")
    return target


async def release_milestone(deps: Deps, actor_id: str, challenge_id: str, n: Any) -> Escrow:
    """Pay one milestone to the solver. Of many concurrent calls, exactly one moves money."""
    actor = await load_actor(actor_id)
    challenge = await challenge_service.get_challenge(challenge_id, actor)
    if challenge.owner_id != actor.id:
        raise Forbidden("only the challenger releases milestones")
    if not challenge.solver_id:
        raise Conflict("accept a solver before releasing money")
    escrow = await escrow_of(challenge)
    index = milestone_index(escrow, n)
    prefix = f"milestones.{index}"

    def claim(escrow: Escrow) -> dict[str, Any]:
        milestone = escrow.milestones[index]
        if milestone.state in (MilestoneState.RELEASING, MilestoneState.RELEASED):
            raise Conflict(f"milestone {n} is already {milestone.state}")
        if escrow.state not in HOLDING:
            raise InvalidTransition(f"the escrow is {escrow.state}; nothing can be released")
        if milestone.state not in (MilestoneState.PENDING, MilestoneState.SUBMITTED):
            raise InvalidTransition(f"milestone {n} is {milestone.state}")
        return {"$set": {f"{prefix}.state": MilestoneState.RELEASING}}

    escrow = await mutate(escrow.id, claim)
    milestone = escrow.milestones[index]
    key = f"escrow:{escrow.id}:release:{index + 1}"
    fee = fee_of(milestone.amount, deps.platform_fee_bps)
    try:
        reference = await transfer_held(deps, escrow, challenge, key, milestone.amount, fee)
    except GatewayFailed:
        back = MilestoneState.SUBMITTED if milestone.submitted_at else MilestoneState.PENDING
        await mutate(escrow.id, lambda e: {"$set": {f"{prefix}.state": back}}
                     if e.milestones[index].state == MilestoneState.RELEASING else None)
        raise

    def finish(escrow: Escrow) -> dict[str, Any] | None:
        if has_entry(escrow, key):
            return None
        entry = LedgerEntry(kind=LedgerKind.RELEASE, amount=milestone.amount, fee=fee,
                            idempotency_key=key, reference=reference, milestone=index + 1)
        return {"$set": {f"{prefix}.state": MilestoneState.RELEASED,
                         f"{prefix}.released_at": utcnow(),
                         "payee_id": challenge.solver_id,
                         "state": _state_after_release(escrow, index)},
                **ledger_push([entry])}

    escrow = await mutate(escrow.id, finish)
    if escrow.state == EscrowState.RELEASED and challenge.state == ChallengeState.IN_PROGRESS:
        await challenge_service.set_state(deps, challenge, ChallengeState.COMPLETED)
    await announce(deps, escrow, challenge, MilestoneReleased, milestone=index + 1,
                   amount=milestone.amount, currency=escrow.currency)
    return escrow
