"""Ports: what the domain needs from the outside world, implemented in domain/adapters/."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Checkout:
    """Where the payer goes to pay, and the gateway's reference for that payment."""

    url: str
    reference: str


class PaymentGateway(Protocol):
    """Moves real (or simulated) money. Every call carries our idempotency key: calling twice
    with the same key must have the effect of calling once."""

    async def start_funding(self, *, escrow_id: str, challenge_id: str, amount: int,
                            currency: str, idempotency_key: str) -> Checkout: ...

    async def transfer(self, *, escrow_id: str, challenge_id: str, payee_id: str, amount: int,
                       currency: str, source_reference: str | None,
                       idempotency_key: str) -> str: ...

    async def refund(self, *, escrow_id: str, amount: int, currency: str,
                     source_reference: str | None, idempotency_key: str) -> str: ...
