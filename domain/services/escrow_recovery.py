"""Recovery: money decisions a crash (or a lost answer) left unfinished are completed from
their stored PaymentOperations, or released when the gateway never made them.

Nothing here calls a money-moving gateway method for a decision: recovery asks the gateway
what it did (``movements``) and books that, so no operation is executed twice. The one
exception is giving back an unexpected payment, which is retried under its own idempotency
key (the gateway's idempotency makes the retry move money at most once).

Run periodically by the worker (``recover_operations``), and by the webhook that reports a
movement with our idempotency key (``complete_reported``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from domain.deps import Deps
from domain.models.common import utcnow
from domain.models.escrow import ClaimState, Escrow, MoneyClaim
from domain.models.payment_operations import (
    FlagKind,
    OperationPurpose,
    OperationState,
    PaymentOperation,
)
from domain.services import escrow_claims as claims
from domain.services import escrow_operations as operations
from domain.services import escrow_unexpected as unexpected
from domain.services.common import get_or_404
from domain.services.escrow_core import has_entry
from domain.services.escrow_flags import clear_flag, raise_flag

log = logging.getLogger(__name__)
# Longer than a gateway call can take with its retries (Stripe's client: 80 s a try), so a
# call still in flight is never judged "never happened".
RECOVERY_LEASE = timedelta(minutes=10)
STUCK_AFTER = timedelta(minutes=30)


@dataclass
class RecoveryReport:
    finished: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:  # worth a log line: something was found or done
        return any(v for k, v in vars(self).items() if k != "checked")


def _name(escrow_id: str, claim: MoneyClaim) -> str:
    return f"{escrow_id}/{claim.slot}#{claim.attempt}"


async def resume_claim(deps: Deps, escrow_id: str, claim: MoneyClaim) -> str:
    """Settle one open claim from the gateway's records: "finished", "released" or
    "unknown" (the gateway could not answer; tried again next run)."""
    escrow = await get_or_404(Escrow, escrow_id, "escrow")
    missing = unknown = False
    for key in claim.keys:
        if has_entry(escrow, key):
            continue
        op = await PaymentOperation.find_one({"idempotency_key": key})
        if op is None:  # the crash came before the record, so before the call
            missing = True
            continue
        if op.state == OperationState.SENT and op.reference:
            escrow = await operations.book(op, op.reference)  # only the ledger write was lost
            continue
        try:
            movement = await operations.find_movement(deps, op, escrow)
        except operations.LookupFailed as exc:
            log.warning("cannot tell whether %s happened: %s", key, exc)
            unknown = True
            continue
        if movement is None:
            await operations.set_state(key, OperationState.ABANDONED)
            missing = True
        else:
            escrow = await operations.book(op, movement.reference)
    if unknown:
        return "unknown"
    if missing:
        await claims.release(escrow_id, claim, "the payment provider has no record of it; "
                                               "released for a new decision")
        return "released"
    escrow, finished = await claims.finish(escrow_id, claim)
    if finished:
        await claims.conclude(deps, escrow, claim)
    return "finished"


async def _give_back_pending(deps: Deps, before: object, report: RecoveryReport) -> None:
    async for op in PaymentOperation.find({
            "purpose": OperationPurpose.RETURN,
            "state": {"$in": [OperationState.RECORDED, OperationState.SENT]},
            "created_at": {"$lte": before}}):
        if op.state == OperationState.SENT and op.reference:
            await unexpected.book_return(op, op.reference)
        else:
            await unexpected.send_return(deps, op)
        report.returned.append(op.idempotency_key)


async def recover_operations(deps: Deps, *, lease: timedelta = RECOVERY_LEASE,
                             stuck_after: timedelta = STUCK_AFTER) -> RecoveryReport:
    """Finish or release every claim open for longer than ``lease``; flag to moderators
    those still unsettled after ``stuck_after``; retry give-backs of unexpected payments."""
    now = utcnow()
    report = RecoveryReport()
    async for escrow in Escrow.find({"claims.state": ClaimState.OPEN}):
        for claim in escrow.claims:
            if claim.state != ClaimState.OPEN or claim.claimed_at > now - lease:
                continue
            name, flag_key = _name(escrow.id, claim), f"stuck:{_name(escrow.id, claim)}"
            try:
                outcome = await resume_claim(deps, escrow.id, claim)
            except Exception:  # one broken escrow must not stop the others' recovery
                log.exception("recovering %s failed", name)
                outcome = "unknown"
            getattr(report, outcome).append(name)
            if outcome != "unknown":
                await clear_flag(flag_key)
            elif claim.claimed_at <= now - stuck_after:
                await raise_flag(FlagKind.STUCK_OPERATION, escrow, flag_key,
                                 f"a money decision ({claims.describe(claim)}) is unfinished "
                                 "and the payment provider cannot say whether it happened",
                                 {"slot": claim.slot, "attempt": claim.attempt,
                                  "keys": claim.keys})
                report.flagged.append(name)
    await _give_back_pending(deps, now - lease, report)
    return report


async def complete_reported(deps: Deps, key: str, reference: str) -> Escrow | None:
    """The gateway reports a movement made under our ``key`` (``transfer.created``,
    ``refund.created``...): book it and finish its decision. None if the key is not ours."""
    op = await PaymentOperation.find_one({"idempotency_key": key})
    if op is None or op.purpose == OperationPurpose.FUNDING:
        return None
    if op.purpose == OperationPurpose.RETURN:
        return await unexpected.book_return(op, reference)
    escrow = await get_or_404(Escrow, op.escrow_id, "escrow")
    if has_entry(escrow, key):
        return escrow
    escrow = await operations.book(op, reference)
    claim = next((c for c in escrow.claims
                  if (c.slot, c.attempt) == (op.claim_slot, op.claim_attempt)), None)
    if claim is None or claim.state != ClaimState.OPEN:
        await raise_flag(FlagKind.LATE_MOVEMENT, escrow, f"late:{key}",
                         "the payment provider moved money for a decision that had been "
                         "released as never made; the ledger now shows it",
                         {"idempotency_key": key, "reference": reference})
        return escrow
    escrow, finished = await claims.finish(escrow.id, claim)
    if finished:
        await claims.conclude(deps, escrow, claim)
    return escrow
