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
    # A payment we did not ask for (a second checkout paid, a wrong amount, a late payment):
    # held by the platform until it is returned, which happens automatically.
    UNEXPECTED = "unexpected"
    RETURNED = "returned"
    # A dashboard refund beyond what the escrow still held: it came out of the platform's
    # fees (already kept from releases), so it lowers what the platform earned, not ``held``.
    FEE_REFUND = "fee_refund"


class DecisionKind(StrEnum):
    """Who decided to move money, and why: recorded in the claim with the amounts."""

    RELEASE = "release"
    REFUND = "refund"
    RESOLVE = "resolve"            # a moderator's resolution of a dispute (release/refund/split)
    AUTO_REFUND = "auto_refund"    # nobody was accepted in time
    EXPIRY_REFUND = "expiry_refund"


class ClaimState(StrEnum):
    OPEN = "open"          # decided; its gateway calls are being made (or a crash left them)
    DONE = "done"          # every movement is in the ledger and the states say so
    RELEASED = "released"  # the gateway never made (all of) it: a new decision may be taken


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


class MoneyClaim(BaseModel):
    """A money decision, claimed exactly once before any gateway call.

    ``slot`` says what it decides: ``release:<n>`` (one milestone) or ``close`` (refund,
    resolution, auto-refund: whatever ends the escrow). At most one claim per slot is open; a
    second, different decision for an open or done slot is refused, the same one is answered
    with the first one's result. ``keys`` are the idempotency keys of its gateway operations.
    """

    slot: str
    kind: DecisionKind
    actor_id: str
    attempt: int = 1
    milestone: int | None = None
    release_amount: int = 0
    refund_amount: int = 0
    fee: int = 0
    keys: list[str]
    state: ClaimState = ClaimState.OPEN
    note: str = ""
    claimed_at: UtcDatetime = Field(default_factory=utcnow)
    finished_at: UtcDatetime | None = None


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
    claims: list[MoneyClaim] = Field(default_factory=list)
    # The provider's receipt page of each payment (by payment reference), when it has one.
    receipts: dict[str, str] = Field(default_factory=dict)
    version: int = 0
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)

    def total(self, kind: LedgerKind) -> int:
        return sum(e.amount for e in self.ledger if e.kind == kind)

    @property
    def held(self) -> int:
        """What the platform still holds for this challenge's milestones, by the ledger
        (unexpected payments apart: they are returned on their own)."""
        return (self.total(LedgerKind.FUND) - self.total(LedgerKind.RELEASE)
                - self.total(LedgerKind.REFUND) + self.total(LedgerKind.REVERSAL))

    @property
    def unexpected_held(self) -> int:
        """Unexpected payments not yet returned (their refund is under way)."""
        return self.total(LedgerKind.UNEXPECTED) - self.total(LedgerKind.RETURNED)

    def open_claim(self, slot: str) -> MoneyClaim | None:
        return next((c for c in self.claims if c.slot == slot and c.state == ClaimState.OPEN),
                    None)

    def last_claim(self, slot: str) -> MoneyClaim | None:
        return next((c for c in reversed(self.claims) if c.slot == slot), None)

    class Settings:
        name = "escrows"
        indexes = [IndexModel([("challenge_id", 1)], unique=True),
                   IndexModel([("state", 1), ("updated_at", 1)]),
                   IndexModel([("claims.state", 1)])]


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
