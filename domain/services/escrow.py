"""Escrow use cases: fund, confirm funding, submit work, release a milestone, read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import Conflict, Forbidden, GatewayFailed, InvalidTransition
from domain.events import EscrowFunded, MilestoneSubmitted
from domain.models.challenges import Challenge, ChallengeState
from domain.models.common import utcnow
from domain.models.escrow import (
    DecisionKind,
    Escrow,
    EscrowMilestone,
    EscrowState,
    LedgerEntry,
    LedgerKind,
    MilestoneState,
    Submission,
)
from domain.models.payment_operations import OperationPurpose, OperationState, PaymentOperation
from domain.services import challenges as challenge_service
from domain.services import escrow_claims as claims
from domain.services import escrow_unexpected as unexpected
from domain.services.common import get_or_404, load_actor, parse
from domain.services.escrow_core import (
    announce,
    ensure_can_view,
    escrow_of,
    ledger_push,
    milestone_index,
    mutate,
)
from domain.services.escrow_operations import record, set_state
from domain.services.inputs import SubmitInput

HOLDING = (EscrowState.FUNDED, EscrowState.PARTIALLY_RELEASED)


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
    await record(PaymentOperation(idempotency_key=key, escrow_id=escrow.id,
                                  challenge_id=challenge.id, kind=LedgerKind.FUND,
                                  purpose=OperationPurpose.FUNDING, amount=escrow.amount,
                                  currency=escrow.currency))
    try:
        checkout = await deps.gateway.start_funding(
            escrow_id=escrow.id, challenge_id=challenge.id, amount=escrow.amount,
            currency=escrow.currency, idempotency_key=key)
    except Exception as exc:
        raise GatewayFailed(f"the payment provider refused to start the payment: {exc}") from exc
    await set_state(key, OperationState.SENT, checkout.reference)
    escrow = await mutate(escrow.id, lambda e: None if e.checkout_reference == checkout.reference
                          else {"$set": {"checkout_reference": checkout.reference}})
    return escrow, checkout.url


async def confirm_funding(deps: Deps, escrow_id: str, *, amount: int, currency: str,
                          reference: str) -> Escrow:
    """The gateway says a payment succeeded. Idempotent: a repeat changes nothing. A payment
    the escrow did not ask for (a second one, a wrong amount, one after it was settled) is
    recorded, flagged to moderators and given back automatically."""
    key = f"escrow:{escrow_id}:fund"
    currency = currency.lower()
    # Set by the run of ``change`` that decided: comparing versions before/after would also
    # announce when a concurrent delivery of the same payment did the work.
    outcome = ""

    def change(escrow: Escrow) -> dict[str, Any] | None:
        nonlocal outcome
        outcome = ""
        if unexpected.is_known_payment(escrow, reference):
            return None
        why = unexpected.why_unexpected(escrow, amount, currency)
        if why:
            outcome = why
            return unexpected.record_entry(escrow, reference, amount, currency)
        entry = LedgerEntry(kind=LedgerKind.FUND, amount=amount, idempotency_key=key,
                            reference=reference)
        outcome = "funded"
        return {"$set": {"state": EscrowState.FUNDED}, **ledger_push([entry])}

    escrow = await mutate(escrow_id, change)
    if outcome == "funded":
        challenge = await get_or_404(Challenge, escrow.challenge_id, "challenge")
        await announce(deps, escrow, challenge, EscrowFunded, amount=escrow.amount,
                       currency=escrow.currency)
    elif outcome:
        escrow = await unexpected.give_back(deps, escrow, reference=reference, amount=amount,
                                            currency=currency, why=outcome)
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


async def release_milestone(deps: Deps, actor_id: str, challenge_id: str, n: Any) -> Escrow:
    """Pay one milestone to the solver. Of many concurrent calls, exactly one moves money;
    the others get its result."""
    actor = await load_actor(actor_id)
    challenge = await challenge_service.get_challenge(challenge_id, actor)
    if challenge.owner_id != actor.id:
        raise Forbidden("only the challenger releases milestones")
    if not challenge.solver_id:
        raise Conflict("accept a solver before releasing money")
    escrow = await escrow_of(challenge)
    index = milestone_index(escrow, n)
    prefix = f"milestones.{index}"

    def plan(escrow: Escrow) -> claims.Plan:
        milestone = escrow.milestones[index]
        if escrow.state not in HOLDING:
            raise InvalidTransition(f"the escrow is {escrow.state}; nothing can be released")
        if milestone.state not in (MilestoneState.PENDING, MilestoneState.SUBMITTED):
            raise InvalidTransition(f"milestone {n} is {milestone.state}")
        return claims.Plan(release_amount=milestone.amount, refund_amount=0,
                           fee=claims.fee_of(milestone.amount, deps.platform_fee_bps),
                           milestone=index + 1,
                           sets={f"{prefix}.state": MilestoneState.RELEASING})

    request = claims.Request(slot=claims.release_slot(index + 1), kind=DecisionKind.RELEASE,
                             actor_id=actor.id)
    return await claims.decide(deps, escrow.id, request, plan)
