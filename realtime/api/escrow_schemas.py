"""What the escrow and payout routes answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from domain.models.escrow import Escrow, EscrowState, LedgerKind, MilestoneState
from domain.services.inputs import StrictInput, Text
from realtime.api.schemas import MoneyOut, Out


class EscrowMilestoneOut(Out):
    n: int = Field(description="numbered from 1, in the order the challenge gave")
    title: str
    amount: int
    state: MilestoneState
    note: str | None
    submitted_at: datetime | None
    released_at: datetime | None


class LedgerEntryOut(Out):
    kind: LedgerKind
    amount: int
    fee: int = Field(description="of a release: the platform fee kept from it")
    milestone: int | None
    reference: str | None = Field(description="the payment provider's id for this movement")
    at: datetime


class DisputeOut(Out):
    opened_by: str
    reason: str
    opened_at: datetime
    card_dispute: bool
    resolved_by: str | None
    resolution: dict[str, int] | None


class EscrowOut(Out):
    id: str
    challenge_id: str
    payer_id: str
    payee_id: str | None
    amount: MoneyOut
    held: MoneyOut = Field(description="what the platform still holds, by the ledger")
    state: EscrowState
    milestones: list[EscrowMilestoneOut]
    ledger: list[LedgerEntryOut]
    dispute: DisputeOut | None
    created_at: datetime
    updated_at: datetime


class FundOut(Out):
    escrow: EscrowOut
    checkout_url: str = Field(description="where the challenger pays; with the simulated "
                                          "gateway, POST it to complete the payment")


class PayoutAccountOut(Out):
    account_ref: str | None
    payouts_enabled: bool
    details_submitted: bool


class PayoutStatusOut(Out):
    account: PayoutAccountOut | None


class OnboardOut(Out):
    account: PayoutAccountOut
    onboarding_url: str


class SubmitBody(StrictInput):
    note: Text(5000)


class WebhookAck(Out):
    id: str
    duplicate: bool
    status: str
    outcome: str | None = None


def render_escrow(escrow: Escrow) -> dict[str, Any]:
    money = {"currency": escrow.currency}
    data = EscrowOut.model_validate({
        **{name: getattr(escrow, name) for name in EscrowOut.model_fields
           if name not in ("amount", "held", "milestones", "ledger", "dispute")},
        "amount": {**money, "amount": escrow.amount},
        "held": {**money, "amount": escrow.held},
        "milestones": [m.model_dump() for m in escrow.milestones],
        "ledger": [e.model_dump() for e in escrow.ledger],
        "dispute": escrow.dispute.model_dump() if escrow.dispute else None,
    })
    return data.model_dump(mode="json")
