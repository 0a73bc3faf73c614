"""What each payment-provider event means for our escrows and payout accounts.

Each handler is safe to run twice and in any order relative to the others: the escrow use cases
it calls are idempotent, and one whose precondition has not happened yet (a chargeback on a
payment we have not seen succeed) is deferred and replayed when that escrow next changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from domain.deps import Deps
from domain.events import FundingFailed
from domain.models.challenges import Challenge
from domain.models.escrow import Escrow, EscrowState, LedgerKind
from domain.models.payment_events import EventStatus, StripeEvent
from domain.models.payouts import PayoutAccount
from domain.services import escrow as escrow_service
from domain.services import (
    escrow_external,
    escrow_history,
    escrow_recovery,
    escrow_settlement,
    payouts,
)
from domain.services.common import get_or_404
from domain.services.escrow_core import announce


@dataclass(frozen=True)
class Outcome:
    status: EventStatus
    message: str
    escrow_id: str | None = None


class Deferred(Exception):
    """The event depends on one that has not arrived yet (the escrow is not funded)."""

    def __init__(self, escrow_id: str) -> None:
        super().__init__("the payment this event concerns is not confirmed yet")
        self.escrow_id = escrow_id


def _str(obj: dict[str, Any], name: str) -> str | None:
    value = obj.get(name)
    if isinstance(value, dict):  # an expanded object
        value = value.get("id")
    return value if isinstance(value, str) and 0 < len(value) <= 255 else None


def _int(obj: dict[str, Any], name: str) -> int:
    value = obj.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


async def find_escrow(deps: Deps, obj: dict[str, Any]) -> Escrow | None:
    """Our escrow for a provider object: by our metadata, the transfer group (the challenge),
    a payment already in a ledger, or, last, by asking the provider about the payment."""
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    escrow_id = _str(metadata or {}, "escrow_id")
    if escrow_id:
        return await Escrow.get(escrow_id)
    group = _str(obj, "transfer_group")
    if group and (found := await Escrow.find_one({"challenge_id": group})):
        return found
    intent = _str(obj, "payment_intent")
    if intent:
        if found := await Escrow.find_one({"ledger.reference": intent}):
            return found
        escrow_id = await deps.gateway.escrow_of_payment(payment_ref=intent)
        if escrow_id:
            return await Escrow.get(escrow_id)
    return None


def _not_ours() -> Outcome:
    return Outcome(EventStatus.IGNORED, "not an OpenChance escrow payment")


async def _confirm(deps: Deps, obj: dict[str, Any], amount: int) -> Outcome:
    escrow = await find_escrow(deps, obj)
    if escrow is None:
        return _not_ours()
    reference = _str(obj, "payment_intent") or _str(obj, "id") or ""
    if obj.get("object") == "payment_intent":
        reference = _str(obj, "id") or reference
    escrow = await escrow_service.confirm_funding(
        deps, escrow.id, amount=amount, currency=_str(obj, "currency") or "",
        reference=reference)
    return Outcome(EventStatus.PROCESSED, f"escrow is {escrow.state}", escrow.id)


async def checkout_completed(deps: Deps, event: dict[str, Any], obj: dict[str, Any]) -> Outcome:
    if obj.get("payment_status") != "paid":
        return Outcome(EventStatus.IGNORED, "the checkout is not paid yet")
    return await _confirm(deps, obj, _int(obj, "amount_total"))


async def intent_succeeded(deps: Deps, event: dict[str, Any], obj: dict[str, Any]) -> Outcome:
    return await _confirm(deps, obj, _int(obj, "amount_received") or _int(obj, "amount"))


async def intent_not_paid(deps: Deps, event: dict[str, Any], obj: dict[str, Any]) -> Outcome:
    """Failed or cancelled: no money moved; the challenger is told and may pay again."""
    escrow = await find_escrow(deps, obj)
    if escrow is None:
        return _not_ours()
    if escrow.state != EscrowState.AWAITING_FUNDING:
        return Outcome(EventStatus.IGNORED, f"escrow is already {escrow.state}", escrow.id)
    challenge = await get_or_404(Challenge, escrow.challenge_id, "challenge")
    change = "payment_failed" if event["type"].endswith("failed") else "payment_canceled"
    await announce(deps, escrow, challenge, FundingFailed, canceled=change == "payment_canceled")
    return Outcome(EventStatus.PROCESSED, change, escrow.id)


async def _funded_escrow(deps: Deps, obj: dict[str, Any]) -> Escrow | None:
    escrow = await find_escrow(deps, obj)
    if escrow is not None and escrow.state == EscrowState.AWAITING_FUNDING:
        raise Deferred(escrow.id)
    return escrow


async def charge_refunded(deps: Deps, event: dict[str, Any], obj: dict[str, Any]) -> Outcome:
    escrow = await _funded_escrow(deps, obj)
    if escrow is None:
        return _not_ours()
    intent = _str(obj, "payment_intent")
    if intent and any(e.reference == intent and e.kind == LedgerKind.UNEXPECTED
                      for e in escrow.ledger):
        return Outcome(EventStatus.PROCESSED, "an unexpected payment, given back", escrow.id)
    escrow = await escrow_external.record_external_refund(
        deps, escrow.id, charge_ref=_str(obj, "id") or "",
        amount_refunded=_int(obj, "amount_refunded"))
    return Outcome(EventStatus.PROCESSED, f"escrow holds {escrow.held}", escrow.id)


async def charge_succeeded(deps: Deps, event: dict[str, Any], obj: dict[str, Any]) -> Outcome:
    """Only its receipt page is new to us (the payment itself arrives as the checkout)."""
    escrow = await find_escrow(deps, obj)
    payment = _str(obj, "payment_intent") or _str(obj, "id")
    receipt = obj.get("receipt_url")
    if escrow is None or not payment or not isinstance(receipt, str) or not receipt.startswith(
            "https://") or len(receipt) > 500:
        return Outcome(EventStatus.IGNORED, "no receipt of ours")
    await escrow_history.note_receipt(escrow.id, payment.replace(".", "_"), receipt)
    return Outcome(EventStatus.PROCESSED, "receipt noted", escrow.id)


async def _dispute_closed_before(dispute_id: str) -> bool:
    return await StripeEvent.find_one({"type": "charge.dispute.closed",
                                       "payload.data.object.id": dispute_id,
                                       "status": EventStatus.PROCESSED}) is not None


async def dispute_created(deps: Deps, event: dict[str, Any], obj: dict[str, Any]) -> Outcome:
    escrow = await _funded_escrow(deps, obj)
    if escrow is None:
        return _not_ours()
    if await _dispute_closed_before(_str(obj, "id") or ""):
        return Outcome(EventStatus.IGNORED, "this card dispute was already closed", escrow.id)
    reason = f"card dispute at the payment provider: {_str(obj, 'reason') or 'no reason'}"
    escrow = await escrow_settlement.freeze_for_card_dispute(deps, escrow.id, reason)
    return Outcome(EventStatus.PROCESSED, "escrow frozen", escrow.id)


async def dispute_closed(deps: Deps, event: dict[str, Any], obj: dict[str, Any]) -> Outcome:
    escrow = await _funded_escrow(deps, obj)
    if escrow is None:
        return _not_ours()
    escrow = await escrow_external.close_card_dispute(
        deps, escrow.id, dispute_ref=_str(obj, "id") or "", won=obj.get("status") == "won",
        amount=_int(obj, "amount"))
    return Outcome(EventStatus.PROCESSED, f"card dispute {obj.get('status')}", escrow.id)


async def _reported(deps: Deps, obj: dict[str, Any], what: str) -> Outcome:
    """A movement made under our idempotency key: finishes its decision if a crash (or a lost
    answer) left it unfinished; a no-op when the ledger has it already."""
    key = _str(obj.get("metadata") or {}, "idempotency_key") or ""
    escrow = await escrow_recovery.complete_reported(deps, key, _str(obj, "id") or "")
    if escrow is None:
        return _not_ours()
    return Outcome(EventStatus.PROCESSED, f"{what} in the ledger", escrow.id)


async def transfer_created(deps: Deps, event: dict[str, Any], obj: dict[str, Any]) -> Outcome:
    return await _reported(deps, obj, "transfer")


async def refund_reported(deps: Deps, event: dict[str, Any], obj: dict[str, Any]) -> Outcome:
    if obj.get("status") not in ("succeeded", "pending"):
        return Outcome(EventStatus.IGNORED, f"refund is {obj.get('status')}")
    return await _reported(deps, obj, "refund")


async def transfer_reversed(deps: Deps, event: dict[str, Any], obj: dict[str, Any]) -> Outcome:
    escrow = await find_escrow(deps, obj)
    if escrow is None:
        return _not_ours()
    escrow = await escrow_external.record_reversal(
        deps, escrow.id, transfer_ref=_str(obj, "id") or "",
        amount_reversed=_int(obj, "amount_reversed"))
    return Outcome(EventStatus.PROCESSED, f"escrow holds {escrow.held}", escrow.id)


async def account_updated(deps: Deps, event: dict[str, Any], obj: dict[str, Any]) -> Outcome:
    ref = _str(obj, "id") or ""
    updated = await payouts.apply_account_status(
        ref, payouts_enabled=obj.get("payouts_enabled") is True,
        details_submitted=obj.get("details_submitted") is True, at=_int(event, "created"))
    if updated is not None:
        return Outcome(EventStatus.PROCESSED, f"payouts_enabled={updated.payouts_enabled}")
    known = await PayoutAccount.find_one({"account_ref": ref}) is not None
    return Outcome(EventStatus.IGNORED, "a newer status is recorded already" if known
                   else "not an OpenChance payout account")


Handler = Callable[[Deps, dict[str, Any], dict[str, Any]], Awaitable[Outcome]]
HANDLERS: dict[str, Handler] = {
    "checkout.session.completed": checkout_completed,
    "checkout.session.async_payment_succeeded": checkout_completed,
    "payment_intent.succeeded": intent_succeeded,
    "payment_intent.payment_failed": intent_not_paid,
    "payment_intent.canceled": intent_not_paid,
    "charge.refunded": charge_refunded,
    "charge.succeeded": charge_succeeded,
    "charge.dispute.created": dispute_created,
    "charge.dispute.closed": dispute_closed,
    "transfer.created": transfer_created,
    "refund.created": refund_reported,
    "refund.updated": refund_reported,
    "charge.refund.updated": refund_reported,
    "transfer.reversed": transfer_reversed,
    "account.updated": account_updated,
}
