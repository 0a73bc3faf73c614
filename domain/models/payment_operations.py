"""Gateway operations recorded before they are made, and the money flags moderators review."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, new_id, utcnow
from domain.models.escrow import LedgerKind


class OperationState(StrEnum):
    RECORDED = "recorded"    # stored before the call: the gateway may or may not have made it
    SENT = "sent"            # the gateway answered; the ledger entry may not be written yet
    DONE = "done"            # in the ledger
    ABANDONED = "abandoned"  # the gateway has no record of it: released for a new decision


class OperationPurpose(StrEnum):
    FUNDING = "funding"        # the checkout (no money moves until the payer pays)
    DECISION = "decision"      # part of a claimed money decision (see MoneyClaim)
    RETURN = "return"          # giving back an unexpected payment


class PaymentOperation(Document):
    """One call to the payment gateway, recorded (unique key) before the call is made, with
    everything needed to tell later, from the gateway's records, whether it happened."""

    id: str = Field(default_factory=new_id)
    idempotency_key: str
    escrow_id: str
    challenge_id: str = ""
    kind: LedgerKind
    purpose: OperationPurpose = OperationPurpose.DECISION
    # What the ledger records (a release's gross amount); the gateway moves amount - fee.
    amount: int
    fee: int = 0
    currency: str = ""
    payee_id: str | None = None
    milestone: int | None = None
    # The payment drawn from (the escrow's checkout, or an unexpected payment being returned).
    source_reference: str | None = None
    claim_slot: str | None = None
    claim_attempt: int = 0
    state: OperationState = OperationState.RECORDED
    reference: str | None = None
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)

    @property
    def moves(self) -> int:
        """What the gateway itself moves for this operation."""
        return self.amount - self.fee

    class Settings:
        name = "payment_operations"
        indexes = [IndexModel([("idempotency_key", 1)], unique=True),
                   IndexModel([("state", 1), ("created_at", 1)]),
                   IndexModel([("escrow_id", 1)])]


class FlagKind(StrEnum):
    STUCK_OPERATION = "stuck_operation"      # unfinished past the bound; the gateway is unsure
    UNEXPECTED_PAYMENT = "unexpected_payment"  # a second/late/wrong payment (refunded)
    LATE_MOVEMENT = "late_movement"          # the gateway moved money for a released claim
    MISMATCH = "mismatch"                    # the ledger and the gateway disagree


class MoneyFlag(Document):
    """Something about money a moderator should look at. ``key`` is unique, so the job that
    finds the same problem again updates one flag instead of piling up copies."""

    id: str = Field(default_factory=new_id)
    key: str
    kind: FlagKind
    escrow_id: str
    challenge_id: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)
    open: bool = True
    created_at: UtcDatetime = Field(default_factory=utcnow)
    last_seen_at: UtcDatetime = Field(default_factory=utcnow)
    resolved_at: UtcDatetime | None = None

    class Settings:
        name = "money_flags"
        indexes = [IndexModel([("key", 1)], unique=True),
                   IndexModel([("open", 1), ("last_seen_at", -1)])]
