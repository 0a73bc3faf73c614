"""What the escrow and payout routes answer."""

from __future__ import annotations

from pydantic import Field

from domain.services.inputs import StrictInput, Text
from domain.views import EscrowOut, Out, PayoutAccountOut


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
