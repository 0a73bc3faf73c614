"""Escrow: the reward held for one challenge, its milestones and its append-only ledger.

The ledger lives inside the escrow document so that a state change and the ledger entry that
records it are one atomic single-document update: they can never disagree.
"""

from __future__ import annotations

from enum import StrEnum

from beanie import Document
from pydantic import BaseModel, Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, new_id, utcnow


class EscrowState(StrEnum):
    AWAITING_FUNDING = "awaiting_funding"
    FUNDED = "funded"
    PARTIALLY_RELEASED = "partially_released"
    RELEASED = "released"
    REFUNDED = "refunded"
    DISPUTED = "disputed"


class MilestoneState(StrEnum):
    PENDING = "pending"
    SUBMITTED = "submitted"
    RELEASING = "releasing"
    REFUNDING = "refunding"
    RELEASED = "released"
    REFUNDED = "refunded"


class LedgerKind(StrEnum):
    FUND = "fund"
    RELEASE = "release"
    REFUND = "refund"
    # A transfer the provider pulled back from the solver: money held by the platform again.
    REVERSAL = "reversal"


class EscrowMilestone(BaseModel):
    n: int
    title: str
    amount: int
    state: MilestoneState = MilestoneState.PENDING
    note: str | None = None
    submitted_at: UtcDatetime | None = None
    released_at: UtcDatetime | None = None


class LedgerEntry(BaseModel):
    kind: LedgerKind
    amount: int
    idempotency_key: str
    reference: str | None = None
    milestone: int | None = None
    # Of a release: the platform's fee kept from it (the solver received amount - fee).
    fee: int = 0
    at: UtcDatetime = Field(default_factory=utcnow)


class Dispute(BaseModel):
    opened_by: str
    reason: str
    state_before: EscrowState
    opened_at: UtcDatetime = Field(default_factory=utcnow)
    # Set when a moderator starts resolving; the claim that stops a second resolution.
    resolved_by: str | None = None
    resolution: dict[str, int] | None = None
    card_dispute: bool = False


class Escrow(Document):
    id: str = Field(default_factory=new_id)
    challenge_id: str
    payer_id: str
    payee_id: str | None = None
    currency: str
    amount: int
    state: EscrowState = EscrowState.AWAITING_FUNDING
    milestones: list[EscrowMilestone]
    ledger: list[LedgerEntry] = Field(default_factory=list)
    dispute: Dispute | None = None
    checkout_reference: str | None = None
    version: int = 0
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)

    def total(self, kind: LedgerKind) -> int:
        return sum(e.amount for e in self.ledger if e.kind == kind)

    @property
    def held(self) -> int:
        """What the platform still holds for this challenge, by the ledger."""
        return (self.total(LedgerKind.FUND) - self.total(LedgerKind.RELEASE)
                - self.total(LedgerKind.REFUND) + self.total(LedgerKind.REVERSAL))

    class Settings:
        name = "escrows"
        indexes = [IndexModel([("challenge_id", 1)], unique=True),
                   IndexModel([("state", 1), ("updated_at", 1)])]


class PaymentOperation(Document):
    """One call to the payment gateway, recorded (unique key) before the call is made."""

    id: str = Field(default_factory=new_id)
    idempotency_key: str
    escrow_id: str
    kind: LedgerKind
    amount: int
    reference: str | None = None
    created_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "payment_operations"
        indexes = [IndexModel([("idempotency_key", 1)], unique=True)]


class Submission(Document):
    id: str = Field(default_factory=new_id)
    challenge_id: str
    milestone: int
    solver_id: str
    note: str
    created_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "submissions"
        indexes = [IndexModel([("challenge_id", 1), ("milestone", 1)])]
