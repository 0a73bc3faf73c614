"""Single-winner money decisions: claimed once on the escrow, then carried out.

A decision (release milestone n; refund what is held; a moderator's split) is written into the
escrow as a ``MoneyClaim`` by one conditional update before any gateway call. Whoever asks
again, however often and from whichever node:

- the same decision gets the first one's result (waiting for it while it is carried out);
- a different decision for the same slot is refused with a Conflict (409);
- when the gateway never made it, the claim is *released* and a new decision may be taken,
  under new idempotency keys (``attempt`` is part of them).

Finishing (the ledger and the states) is shared by the caller, the recovery job and the
webhook that reports the movement: each step is idempotent, whoever gets there first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from domain.deps import Deps
from domain.errors import Conflict, GatewayFailed
from domain.events import DisputeResolved, EscrowRefunded, MilestoneReleased
from domain.models.challenges import Challenge, ChallengeState
from domain.models.common import utcnow
from domain.models.escrow import (
    ClaimState,
    DecisionKind,
    Escrow,
    EscrowState,
    LedgerKind,
    MilestoneState,
    MoneyClaim,
)
from domain.models.payment_operations import OperationPurpose, OperationState, PaymentOperation
from domain.ports import PaymentNotMade
from domain.services import challenges as challenge_service
from domain.services import escrow_operations as operations
from domain.services.common import get_or_404
from domain.services.escrow_core import announce, has_entry, mutate
from domain.state_machines import ESCROW, ensure

CLOSE = "close"
DECISION_WAIT_SECONDS = 15.0
_POLL_SECONDS = 0.02
SETTLEABLE = (MilestoneState.PENDING, MilestoneState.SUBMITTED, MilestoneState.REFUNDING)


def release_slot(n: int) -> str:
    return f"release:{n}"


def fee_of(amount: int, fee_bps: int) -> int:
    """The platform's fee on a release: the same rule for milestones and resolutions."""
    return amount * fee_bps // 10_000


@dataclass(frozen=True)
class Request:
    """What a caller asks for; ``matches`` says whether an existing claim is that decision."""

    slot: str
    kind: DecisionKind
    actor_id: str
    release_amount: int | None = None   # None: "whatever the milestone / the escrow holds"
    refund_amount: int | None = None

    def matches(self, claim: MoneyClaim) -> bool:
        if claim.slot != self.slot:
            return False
        if self.release_amount is None and self.refund_amount is None:
            return claim.release_amount == 0 or self.slot != CLOSE
        return (claim.release_amount, claim.refund_amount) == (
            self.release_amount or 0, self.refund_amount or 0)


@dataclass(frozen=True)
class Plan:
    """The concrete decision for the escrow as it is now, and the state that marks it taken."""

    release_amount: int
    refund_amount: int
    fee: int
    sets: dict[str, Any]
    milestone: int | None = None


def describe(claim: MoneyClaim) -> str:
    what = (f"release {claim.release_amount}" if claim.release_amount else "")
    if claim.refund_amount:
        what = f"{what} and refund {claim.refund_amount}" if what else (
            f"refund {claim.refund_amount}")
    return f"{claim.kind} ({what or 'nothing to move'}) by {claim.actor_id}, {claim.state}"


def keys_of(escrow_id: str, claim: MoneyClaim) -> list[str]:
    suffix = f":{claim.attempt}" if claim.attempt > 1 else ""
    if claim.milestone is not None and claim.slot != CLOSE:
        return [f"escrow:{escrow_id}:release:{claim.milestone}{suffix}"]
    base = "resolve" if claim.kind == DecisionKind.RESOLVE else "close"
    keys = []
    if claim.release_amount:
        keys.append(f"escrow:{escrow_id}:{base}:release{suffix}")
    if claim.refund_amount:
        keys.append(f"escrow:{escrow_id}:refund{suffix}" if base == "close"
                    else f"escrow:{escrow_id}:resolve:refund{suffix}")
    return keys


class _Found(Exception):
    def __init__(self, claim: MoneyClaim) -> None:
        self.claim = claim


async def take(escrow_id: str, request: Request,
               plan: Callable[[Escrow], Plan]) -> tuple[MoneyClaim, bool]:
    """Claim the decision. Returns (claim, True) for the caller who took it now, or the
    existing claim of the same decision and False. Raises Conflict for a different one."""
    taken: MoneyClaim | None = None

    def change(escrow: Escrow) -> dict[str, Any] | None:
        nonlocal taken
        taken = None
        last = escrow.last_claim(request.slot)
        if last is not None and last.state != ClaimState.RELEASED:
            if request.matches(last):
                raise _Found(last)
            raise Conflict(f"another money decision was taken first: {describe(last)}",
                           decision=last.model_dump(mode="json"))
        decided = plan(escrow)
        attempt = 1 + sum(1 for c in escrow.claims if c.slot == request.slot)
        claim = MoneyClaim(slot=request.slot, kind=request.kind, actor_id=request.actor_id,
                           attempt=attempt, milestone=decided.milestone,
                           release_amount=decided.release_amount,
                           refund_amount=decided.refund_amount, fee=decided.fee, keys=[])
        claim.keys = keys_of(escrow.id, claim)
        taken = claim
        claims = [c.model_dump() for c in escrow.claims] + [claim.model_dump()]
        return {"$set": {**decided.sets, "claims": claims}}

    try:
        await mutate(escrow_id, change)
    except _Found as found:
        return found.claim, False
    assert taken is not None
    return taken, True


def _claim_of(escrow: Escrow, slot: str, attempt: int) -> MoneyClaim:
    return next(c for c in escrow.claims if c.slot == slot and c.attempt == attempt)


async def wait_for(escrow_id: str, claim: MoneyClaim) -> Escrow:
    """The first result of a decision someone else is carrying out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DECISION_WAIT_SECONDS
    while True:
        escrow = await get_or_404(Escrow, escrow_id, "escrow")
        current = _claim_of(escrow, claim.slot, claim.attempt)
        if current.state == ClaimState.DONE:
            return escrow
        if current.state == ClaimState.RELEASED:
            raise GatewayFailed(f"this decision could not be carried out: {current.note}")
        if loop.time() >= deadline:
            raise Conflict("the same decision is still being carried out; it is finished or "
                           "released automatically, try again in a moment")
        await asyncio.sleep(_POLL_SECONDS)


def planned_operations(escrow: Escrow, claim: MoneyClaim, payee_id: str | None
                       ) -> list[PaymentOperation]:
    """The gateway operations of a claim, in the order they are made."""
    common = {"escrow_id": escrow.id, "challenge_id": escrow.challenge_id,
              "currency": escrow.currency, "source_reference": escrow.checkout_reference,
              "claim_slot": claim.slot, "claim_attempt": claim.attempt,
              "purpose": OperationPurpose.DECISION}
    ops = []
    keys = iter(claim.keys)
    if claim.release_amount:
        ops.append(PaymentOperation(idempotency_key=next(keys), kind=LedgerKind.RELEASE,
                                    amount=claim.release_amount, fee=claim.fee,
                                    payee_id=payee_id, milestone=claim.milestone
                                    if claim.slot != CLOSE else None, **common))
    if claim.refund_amount:
        ops.append(PaymentOperation(idempotency_key=next(keys), kind=LedgerKind.REFUND,
                                    amount=claim.refund_amount, **common))
    return ops


async def carry_out(deps: Deps, escrow_id: str, claim: MoneyClaim) -> tuple[Escrow, bool]:
    """Make the claim's gateway calls (recorded first), book each, then finish the claim.

    A gateway error is not taken at its word: the gateway is asked whether the movement
    happened. Never happened: the claim is released (GatewayFailed). Unknown: the claim stays
    open for recovery (GatewayFailed saying so)."""
    escrow = await get_or_404(Escrow, escrow_id, "escrow")
    challenge = await get_or_404(Challenge, escrow.challenge_id, "challenge")
    for planned in planned_operations(escrow, claim, challenge.solver_id):
        if has_entry(escrow, planned.idempotency_key):
            continue
        op = await operations.record(planned)
        try:
            reference = await operations.send(deps, op)
        except Exception as exc:
            escrow = await _after_failed_call(deps, op, claim, exc)
            continue
        escrow = await operations.book(op, reference)
    return await finish(escrow_id, claim)


async def _after_failed_call(deps: Deps, op: PaymentOperation, claim: MoneyClaim,
                             exc: Exception) -> Escrow:
    escrow = await get_or_404(Escrow, op.escrow_id, "escrow")
    try:
        moved = (None if isinstance(exc, PaymentNotMade)
                 else await operations.find_movement(deps, op, escrow))
    except operations.LookupFailed:
        raise GatewayFailed("the payment provider did not answer whether the money moved; "
                            "OpenChance checks again and finishes or releases this decision: "
                            f"{exc}") from exc
    if moved is not None:  # it did happen; the error came after (a lost answer, say)
        return await operations.book(op, moved.reference)
    await operations.set_state(op.idempotency_key, OperationState.ABANDONED)
    await release(op.escrow_id, claim, f"the payment provider refused: {exc}")
    raise GatewayFailed(f"the payment provider refused: {exc}; nothing more was moved") from exc


def state_after_release(escrow: Escrow, index: int) -> EscrowState:
    if escrow.state == EscrowState.DISPUTED:
        return EscrowState.DISPUTED  # frozen: the moderator's resolution decides what comes next
    rest_released = all(m.state == MilestoneState.RELEASED
                        for i, m in enumerate(escrow.milestones) if i != index)
    target = EscrowState.RELEASED if rest_released else EscrowState.PARTIALLY_RELEASED
    ensure(ESCROW, escrow.state, target, "escrow")
    return target


def _final_sets(escrow: Escrow, claim: MoneyClaim, payee_id: str | None) -> dict[str, Any]:
    if claim.slot != CLOSE:
        index = (claim.milestone or 1) - 1
        prefix = f"milestones.{index}"
        sets: dict[str, Any] = {f"{prefix}.state": MilestoneState.RELEASED,
                                f"{prefix}.released_at": utcnow(),
                                "state": state_after_release(escrow, index)}
        if payee_id:
            sets["payee_id"] = payee_id
        return sets
    settled = MilestoneState.REFUNDED if claim.refund_amount else MilestoneState.RELEASED
    sets = {f"milestones.{i}.state": settled for i, m in enumerate(escrow.milestones)
            if m.state in SETTLEABLE}
    sets["state"] = EscrowState.REFUNDED if claim.refund_amount else EscrowState.RELEASED
    if claim.release_amount and payee_id:
        sets["payee_id"] = payee_id
    if escrow.dispute is not None and escrow.state == EscrowState.DISPUTED:
        sets["dispute.resolution"] = {"release_amount": claim.release_amount,
                                      "refund_amount": claim.refund_amount}
    return sets


def _with_claim(escrow: Escrow, claim: MoneyClaim, **changes: Any) -> list[dict[str, Any]]:
    return [c.model_copy(update=changes).model_dump()
            if (c.slot, c.attempt) == (claim.slot, claim.attempt) else c.model_dump()
            for c in escrow.claims]


async def finish(escrow_id: str, claim: MoneyClaim) -> tuple[Escrow, bool]:
    """Once every movement of the claim is in the ledger: the final states, claim done.
    Returns the escrow and whether this call was the one that finished it."""
    escrow = await get_or_404(Escrow, escrow_id, "escrow")
    challenge = await get_or_404(Challenge, escrow.challenge_id, "challenge")

    wrote = False

    def change(escrow: Escrow) -> dict[str, Any] | None:
        nonlocal wrote
        wrote = False
        current = _claim_of(escrow, claim.slot, claim.attempt)
        if current.state != ClaimState.OPEN:
            return None
        if not all(has_entry(escrow, key) for key in current.keys):
            return None
        sets = _final_sets(escrow, current, challenge.solver_id)
        sets["claims"] = _with_claim(escrow, current, state=ClaimState.DONE,
                                     finished_at=utcnow())
        wrote = True
        return {"$set": sets}

    escrow = await mutate(escrow_id, change)
    return escrow, wrote


async def release(escrow_id: str, claim: MoneyClaim, note: str) -> Escrow:
    """The gateway did not make (all of) the claim: undo what marked it taken. What did move
    stays in the ledger; the next decision starts from what is held then."""

    def change(escrow: Escrow) -> dict[str, Any] | None:
        current = _claim_of(escrow, claim.slot, claim.attempt)
        if current.state != ClaimState.OPEN:
            return None
        sets: dict[str, Any] = {}
        for i, m in enumerate(escrow.milestones):
            if m.state in (MilestoneState.RELEASING, MilestoneState.REFUNDING) and (
                    claim.slot == CLOSE or i == (claim.milestone or 0) - 1):
                sets[f"milestones.{i}.state"] = (MilestoneState.SUBMITTED if m.submitted_at
                                                 else MilestoneState.PENDING)
        if claim.slot == CLOSE and escrow.dispute is not None:
            sets["dispute.resolved_by"] = None
        sets["claims"] = _with_claim(escrow, current, state=ClaimState.RELEASED,
                                     finished_at=utcnow(), note=note[:300])
        return {"$set": sets}

    return await mutate(escrow_id, change)


def is_done(escrow: Escrow, claim: MoneyClaim) -> bool:
    return _claim_of(escrow, claim.slot, claim.attempt).state == ClaimState.DONE


async def close_challenge(deps: Deps, challenge: Challenge, escrow: Escrow) -> None:
    """After the money is settled: completed if the solver was paid anything, else cancelled."""
    fresh = await get_or_404(Challenge, challenge.id, "challenge")
    if fresh.state == ChallengeState.IN_PROGRESS and escrow.total(LedgerKind.RELEASE) > 0:
        await challenge_service.set_state(deps, fresh, ChallengeState.COMPLETED)
    elif fresh.state in (ChallengeState.OPEN, ChallengeState.IN_PROGRESS):
        await challenge_service.set_state(deps, fresh, ChallengeState.CANCELLED)


async def conclude(deps: Deps, escrow: Escrow, claim: MoneyClaim) -> None:
    """What follows a finished decision: the challenge's state, and the announcement."""
    challenge = await get_or_404(Challenge, escrow.challenge_id, "challenge")
    if claim.slot != CLOSE:
        if escrow.state == EscrowState.RELEASED and challenge.state == ChallengeState.IN_PROGRESS:
            await challenge_service.set_state(deps, challenge, ChallengeState.COMPLETED)
        await announce(deps, escrow, challenge, MilestoneReleased, milestone=claim.milestone or 0,
                       amount=claim.release_amount, currency=escrow.currency)
        return
    await close_challenge(deps, challenge, escrow)
    if claim.kind == DecisionKind.RESOLVE:
        await announce(deps, escrow, challenge, DisputeResolved,
                       release_amount=claim.release_amount, refund_amount=claim.refund_amount)
    else:
        await announce(deps, escrow, challenge, EscrowRefunded, amount=claim.refund_amount,
                       currency=escrow.currency)


OnTaken = Callable[[MoneyClaim], Awaitable[None]]


async def decide(deps: Deps, escrow_id: str, request: Request, plan: Callable[[Escrow], Plan],
                 on_taken: OnTaken | None = None) -> Escrow:
    """Claim a decision and carry it out; or, if it was taken already, its first result."""
    claim, mine = await take(escrow_id, request, plan)
    if not mine:
        return await wait_for(escrow_id, claim)
    if on_taken is not None:
        await on_taken(claim)
    escrow, finished = await carry_out(deps, escrow_id, claim)
    if finished:
        await conclude(deps, escrow, claim)
    elif not is_done(escrow, claim):  # left open (a lost answer); its first result, later
        return await wait_for(escrow_id, claim)
    return escrow
