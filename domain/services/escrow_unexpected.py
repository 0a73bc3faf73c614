"""Payments an escrow did not ask for: a second checkout paid, a wrong amount, a payment that
arrives after the escrow was settled. Each is written to the ledger (so the ledger keeps
equalling what the gateway holds), flagged to moderators, and given back at once under an
idempotency key of its own; the recovery job retries a give-back the gateway did not make."""

from __future__ import annotations

import logging
from typing import Any

from domain.deps import Deps
from domain.models.escrow import Escrow, EscrowState, LedgerEntry, LedgerKind
from domain.models.payment_operations import (
    FlagKind,
    OperationPurpose,
    OperationState,
    PaymentOperation,
)
from domain.services import escrow_operations as operations
from domain.services.common import get_or_404
from domain.services.escrow_core import ledger_push
from domain.services.escrow_flags import raise_flag

log = logging.getLogger(__name__)
PAYMENT_KINDS = (LedgerKind.FUND, LedgerKind.UNEXPECTED)


def is_known_payment(escrow: Escrow, reference: str) -> bool:
    return any(e.reference == reference and e.kind in PAYMENT_KINDS for e in escrow.ledger)


def why_unexpected(escrow: Escrow, amount: int, currency: str) -> str:
    """Empty when this payment is the escrow's funding, else why it is not."""
    if escrow.state != EscrowState.AWAITING_FUNDING:
        return f"a payment arrived for an escrow that is already {escrow.state}"
    if currency != escrow.currency:
        return f"paid in {currency.upper()}, the escrow is in {escrow.currency.upper()}"
    if amount != escrow.amount:
        return f"paid {amount}, the escrow expects {escrow.amount}"
    return ""


def _key(escrow_id: str, reference: str) -> str:
    return f"escrow:{escrow_id}:unexpected:{reference}"


def record_entry(escrow: Escrow, reference: str, amount: int,
                 currency: str) -> dict[str, Any] | None:
    """The ledger entry of an unexpected payment (none in a foreign currency: the ledger
    counts the escrow's currency only; the flag and the give-back still happen)."""
    if currency != escrow.currency:
        return {"$set": {}}
    entry = LedgerEntry(kind=LedgerKind.UNEXPECTED, amount=amount, reference=reference,
                        idempotency_key=_key(escrow.id, reference))
    return ledger_push([entry])


def return_operation(escrow: Escrow, reference: str, amount: int,
                     currency: str) -> PaymentOperation:
    return PaymentOperation(
        idempotency_key=f"escrow:{escrow.id}:return:{reference}", escrow_id=escrow.id,
        challenge_id=escrow.challenge_id, kind=LedgerKind.RETURNED,
        purpose=OperationPurpose.RETURN, amount=amount, currency=currency,
        source_reference=reference)


async def give_back(deps: Deps, escrow: Escrow, *, reference: str, amount: int,
                    currency: str, why: str) -> Escrow:
    """Flag the payment and refund it whole. A failing refund stays recorded for recovery."""
    await raise_flag(FlagKind.UNEXPECTED_PAYMENT, escrow, f"unexpected:{escrow.id}:{reference}",
                     f"{why}; it is refunded automatically",
                     {"reference": reference, "amount": amount, "currency": currency})
    op = await operations.record(return_operation(escrow, reference, amount, currency))
    return await send_return(deps, op)


async def send_return(deps: Deps, op: PaymentOperation) -> Escrow:
    try:
        refund_ref = await operations.send(deps, op)
    except Exception:  # the payer's money is safe on the platform; recovery tries again
        log.exception("giving back unexpected payment %s failed", op.source_reference)
        return await get_or_404(Escrow, op.escrow_id, "escrow")
    return await book_return(op, refund_ref)


async def book_return(op: PaymentOperation, refund_ref: str) -> Escrow:
    escrow = await get_or_404(Escrow, op.escrow_id, "escrow")
    if op.currency != escrow.currency:  # never in the ledger: nothing to book
        await operations.set_state(op.idempotency_key, OperationState.DONE,
                                   refund_ref)
        return escrow
    return await operations.book(op, refund_ref)
