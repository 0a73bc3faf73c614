"""Gateway operations: recorded before the call, booked to the ledger once the gateway moved.

The three steps of every movement, each survivable by a crash:

1. ``record``: a PaymentOperation with every parameter of the call (unique idempotency key);
2. ``send``: the gateway call, carrying that key (a repeat moves money once at the gateway);
3. ``book``: the ledger entry, pushed in one conditional update keyed by the same key.

Recovery and webhooks never call a money-moving method: they ask the gateway what it did
(``find_movement``) and book that, so an operation is never executed twice by us.
"""

from __future__ import annotations

import logging
from typing import Any

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.models.common import utcnow
from domain.models.escrow import Escrow, LedgerEntry, LedgerKind
from domain.models.payment_operations import OperationState, PaymentOperation
from domain.ports import Movement
from domain.services.common import update_where
from domain.services.escrow_core import has_entry, ledger_push, mutate

log = logging.getLogger(__name__)
MOVEMENT_OF = {LedgerKind.RELEASE: "transfer", LedgerKind.REFUND: "refund",
               LedgerKind.RETURNED: "refund"}


class LookupFailed(Exception):
    """The gateway could not say whether an operation happened (it is down, say)."""


async def record(op: PaymentOperation) -> PaymentOperation:
    """Store the intent (unique key) before calling the gateway; a retry finds it there."""
    try:
        return await op.insert()
    except DuplicateKeyError:
        found = await PaymentOperation.find_one({"idempotency_key": op.idempotency_key})
        assert found is not None
        return found


async def send(deps: Deps, op: PaymentOperation) -> str:
    """Make the gateway call of ``op``; its reference (raises what the gateway raised)."""
    if op.kind == LedgerKind.RELEASE:
        reference = await deps.gateway.transfer(
            escrow_id=op.escrow_id, challenge_id=op.challenge_id, payee_id=op.payee_id or "",
            amount=op.moves, currency=op.currency, source_reference=op.source_reference,
            idempotency_key=op.idempotency_key)
    else:
        reference = await deps.gateway.refund(
            escrow_id=op.escrow_id, amount=op.moves, currency=op.currency,
            source_reference=op.source_reference, idempotency_key=op.idempotency_key)
    await set_state(op.idempotency_key, OperationState.SENT, reference)
    return reference


async def set_state(key: str, state: OperationState, reference: str | None = None) -> None:
    sets: dict[str, Any] = {"state": state, "updated_at": utcnow()}
    if reference is not None:
        sets["reference"] = reference
    # DONE is final: a late "sent" from a slow caller must not step it back.
    await update_where(PaymentOperation, {"idempotency_key": key,
                                          "state": {"$ne": OperationState.DONE}}, {"$set": sets})


def entry_of(op: PaymentOperation, reference: str) -> LedgerEntry:
    return LedgerEntry(kind=op.kind, amount=op.amount, fee=op.fee, milestone=op.milestone,
                       idempotency_key=op.idempotency_key, reference=reference)


async def book(op: PaymentOperation, reference: str) -> Escrow:
    """Write what the gateway moved for ``op`` to the ledger, once, whoever calls."""
    entry = entry_of(op, reference)
    escrow = await mutate(op.escrow_id, lambda e: None if has_entry(e, op.idempotency_key)
                          else ledger_push([entry]))
    await set_state(op.idempotency_key, OperationState.DONE, reference)
    return escrow


async def find_movement(deps: Deps, op: PaymentOperation,
                        escrow: Escrow) -> Movement | None:
    """What the gateway holds for ``op``'s key: the movement, or None if it never happened."""
    try:
        found = await deps.gateway.movements(escrow_id=op.escrow_id,
                                             challenge_id=op.challenge_id,
                                             source_reference=escrow.checkout_reference)
    except Exception as exc:
        raise LookupFailed(str(exc)) from exc
    wanted = MOVEMENT_OF.get(op.kind)
    return next((m for m in found if m.idempotency_key == op.idempotency_key
                 and m.kind == wanted), None)
