"""What the escrow and payout routes answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from domain.services.inputs import StrictInput, Text
from domain.views import EscrowOut, MoneyOut, Out, PayoutAccountOut


class FundOut(Out):
    escrow: EscrowOut
    checkout_url: str = Field(description="where the challenger pays; with the simulated "
                                          "gateway, POST it to complete the payment")


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


class PaymentOut(Out):
    challenge_id: str
    kind: Literal["funded", "released", "received", "refunded", "fee"]
    amount: MoneyOut
    at: datetime
    receipt_url: str | None = Field(default=None,
                                    description="the payment provider's receipt, if any")


class PaymentList(Out):
    items: list[PaymentOut]
    next_cursor: str | None


class PaymentsQuery(StrictInput):
    cursor: str | None = None


class MoneyFlagOut(Out):
    id: str
    kind: Literal["stuck_operation", "unexpected_payment", "late_movement", "mismatch"]
    escrow_id: str
    challenge_id: str
    message: str
    details: dict[str, Any]
    created_at: datetime
    last_seen_at: datetime


class ReconciliationOut(Out):
    items: list[MoneyFlagOut] = Field(description="open money flags, most recently seen first")
