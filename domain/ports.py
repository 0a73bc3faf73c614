"""Ports: what the domain needs from the outside world, implemented in domain/adapters/."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Checkout:
    """Where the payer goes to pay, and the gateway's reference for that payment."""

    url: str
    reference: str


class PaymentNotMade(Exception):
    """Raised by a gateway that knows for certain nothing was sent (e.g. the payee cannot
    receive payouts yet): the decision is released at once, without asking the gateway."""


@dataclass(frozen=True)
class Movement:
    """One movement of money the gateway reports for a challenge (its transfer group).

    ``kind`` is ``payment`` (a charge that succeeded), ``refund``, ``transfer`` (to a payee) or
    ``reversal`` (a transfer pulled back). ``idempotency_key`` is ours, when we made it.
    ``source`` is the payment a refund or transfer drew from.
    """

    kind: str
    reference: str
    amount: int
    currency: str
    idempotency_key: str | None = None
    source: str | None = None


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

    async def create_payee_account(self, *, user_id: str, email: str | None,
                                   idempotency_key: str) -> str:
        """Open the account a payee (solver) is paid into; returns its reference."""
        ...

    async def create_onboarding_link(self, *, account_ref: str, refresh_url: str,
                                     return_url: str, idempotency_key: str) -> str:
        """A one-time URL where the payee completes the provider's onboarding."""
        ...

    async def escrow_of_payment(self, *, payment_ref: str) -> str | None:
        """Our escrow id for one of the provider's payments (events that do not name it)."""
        ...

    async def movements(self, *, escrow_id: str, challenge_id: str,
                        source_reference: str | None) -> list[Movement]:
        """Everything the gateway moved for this challenge: payments, refunds, transfers,
        reversals. Read-only; what recovery and reconciliation compare the ledger with."""
        ...


@dataclass(frozen=True)
class Email:
    """One mail, already rendered: a plain-text body and an HTML alternative."""

    to: str
    subject: str
    text: str
    html: str
    # Extra headers, e.g. List-Unsubscribe for notification mails.
    headers: tuple[tuple[str, str], ...] = ()


class Mailer(Protocol):
    """Sends mail: SMTP (SMTP_URL) in production, the store's outbox when embedded."""

    async def send(self, email: Email) -> None:
        """Raise ``MailFailed`` (domain/errors.py) when the mail could not be handed over."""
        ...

    @property
    def kept_locally(self) -> bool:
        """True when mails are kept in the local outbox instead of leaving the machine."""
        ...


class Presence(Protocol):
    """Who has a live socket now (the realtime layer's presence, in process or in Redis)."""

    async def online(self, user_ids: Iterable[str]) -> dict[str, bool]: ...
