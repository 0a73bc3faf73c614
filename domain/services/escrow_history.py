"""``GET /me/payments``: every movement of my money across challenges, newest first.

Built from the escrows' ledgers (the one record of money): as the challenger I see what I
funded, released and got refunded; as the solver what I received and the platform's fee on it.
An unexpected payment shows as funded and, once given back, refunded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.models.escrow import Escrow, LedgerEntry, LedgerKind
from domain.services.common import load_actor
from domain.services.escrow_core import mutate
from domain.services.pagination import decode_cursor, encode_cursor

PAGE_SIZE = 50
_PAYER_KINDS = {LedgerKind.FUND: "funded", LedgerKind.UNEXPECTED: "funded",
                LedgerKind.RELEASE: "released", LedgerKind.REFUND: "refunded",
                LedgerKind.RETURNED: "refunded", LedgerKind.FEE_REFUND: "refunded"}


@dataclass(frozen=True)
class PaymentItem:
    id: str
    challenge_id: str
    kind: str
    amount: int
    currency: str
    at: datetime
    receipt_url: str | None = None


def _items_of(escrow: Escrow, user_id: str) -> list[PaymentItem]:
    items: list[PaymentItem] = []

    def add(entry: LedgerEntry, kind: str, amount: int, receipt: str | None = None) -> None:
        if amount > 0:
            items.append(PaymentItem(f"{entry.idempotency_key}:{kind}", escrow.challenge_id,
                                     kind, amount, escrow.currency, entry.at, receipt))

    for entry in escrow.ledger:
        if escrow.payer_id == user_id and entry.kind in _PAYER_KINDS:
            receipt = escrow.receipts.get(entry.reference or "") if entry.kind in (
                LedgerKind.FUND, LedgerKind.UNEXPECTED) else None
            add(entry, _PAYER_KINDS[entry.kind], entry.amount, receipt)
        if escrow.payee_id == user_id and entry.kind == LedgerKind.RELEASE:
            add(entry, "received", entry.amount - entry.fee)
            add(entry, "fee", entry.fee)
    return items


async def my_payments(actor_id: str, cursor: str | None = None,
                      limit: int = PAGE_SIZE) -> tuple[list[PaymentItem], str | None]:
    actor = await load_actor(actor_id)
    escrows = await Escrow.find({"$or": [{"payer_id": actor.id},
                                         {"payee_id": actor.id}]}).to_list()
    items = sorted((i for e in escrows for i in _items_of(e, actor.id)),
                   key=lambda i: (i.at, i.id), reverse=True)
    if cursor:
        at, item_id = decode_cursor(cursor)
        items = [i for i in items if (i.at, i.id) < (at, item_id)]
    page = items[:limit]
    more = len(items) > limit
    return page, (encode_cursor(page[-1].at, page[-1].id) if more and page else None)


def payment_fields(item: PaymentItem) -> dict[str, Any]:
    """The public fields of a movement (CONTRACT.md: money as {amount, currency})."""
    return {"challenge_id": item.challenge_id, "kind": item.kind,
            "amount": {"amount": item.amount, "currency": item.currency},
            "at": item.at, "receipt_url": item.receipt_url}


async def note_receipt(escrow_id: str, payment_ref: str, receipt_url: str) -> Escrow:
    """Remember the provider's receipt page of a payment (not money: no ledger entry)."""
    return await mutate(escrow_id, lambda e: None if e.receipts.get(payment_ref) == receipt_url
                        else {"$set": {f"receipts.{payment_ref}": receipt_url}})
