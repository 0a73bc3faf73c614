"""The embedded payment gateway: no money moves, every reference says "simulated".

It keeps what it was asked to do (``checkouts``, ``transfers``, ``refunds``) keyed by idempotency
key, so a repeated call returns the first call's reference, as Stripe's idempotency does; and
the simulated payments its checkout page made (``payments``), so that ``movements`` answers
like Stripe's lists do for reconciliation and recovery.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from domain.ports import Checkout, Movement


def _reference(prefix: str, key: str) -> str:
    return f"{prefix}_sim_{hashlib.sha256(key.encode()).hexdigest()[:20]}"


@dataclass
class OfflineGateway:
    public_url: str = "http://127.0.0.1:8080"
    checkouts: dict[str, Checkout] = field(default_factory=dict)
    transfers: dict[str, tuple[str, int]] = field(default_factory=dict)
    refunds: dict[str, tuple[str, int]] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    # payment reference -> (escrow id, amount, currency), as the simulated checkout paid it.
    payments: dict[str, tuple[str, int, str]] = field(default_factory=dict)
    # idempotency key -> (escrow id, currency, source payment) of each transfer and refund.
    _owner: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)

    async def start_funding(self, *, escrow_id: str, challenge_id: str, amount: int,
                            currency: str, idempotency_key: str) -> Checkout:
        if idempotency_key not in self.checkouts:
            # Random, not derived from the key: a checkout URL must not be guessable.
            reference = f"cs_sim_{secrets.token_urlsafe(18)}"
            url = f"{self.public_url.rstrip('/')}/simulated-checkout/{reference}"
            self.checkouts[idempotency_key] = Checkout(url=url, reference=reference)
        return self.checkouts[idempotency_key]

    def record_payment(self, reference: str, *, escrow_id: str, amount: int,
                       currency: str) -> None:
        """The simulated checkout was paid (what Stripe's charge would record)."""
        self.payments.setdefault(reference, (escrow_id, amount, currency))

    async def transfer(self, *, escrow_id: str, challenge_id: str, payee_id: str, amount: int,
                       currency: str, source_reference: str | None,
                       idempotency_key: str) -> str:
        if idempotency_key not in self.transfers:
            self.transfers[idempotency_key] = (_reference("tr", idempotency_key), amount)
            self._owner[idempotency_key] = (escrow_id, currency, source_reference)
        return self.transfers[idempotency_key][0]

    async def refund(self, *, escrow_id: str, amount: int, currency: str,
                     source_reference: str | None, idempotency_key: str) -> str:
        if idempotency_key not in self.refunds:
            self.refunds[idempotency_key] = (_reference("re", idempotency_key), amount)
            self._owner[idempotency_key] = (escrow_id, currency, source_reference)
        return self.refunds[idempotency_key][0]

    async def create_payee_account(self, *, user_id: str, email: str | None,
                                   idempotency_key: str) -> str:
        if idempotency_key not in self.accounts:
            self.accounts[idempotency_key] = _reference("acct", idempotency_key)
        return self.accounts[idempotency_key]

    async def create_onboarding_link(self, *, account_ref: str, refresh_url: str,
                                     return_url: str, idempotency_key: str) -> str:
        return f"{self.public_url.rstrip('/')}/simulated-onboarding/{account_ref}"

    async def escrow_of_payment(self, *, payment_ref: str) -> str | None:
        return None  # every simulated event names its escrow in its metadata

    async def movements(self, *, escrow_id: str, challenge_id: str,
                        source_reference: str | None) -> list[Movement]:
        found = [Movement("payment", ref, amount, currency)
                 for ref, (owner, amount, currency) in self.payments.items()
                 if owner == escrow_id]
        for kind, book in (("transfer", self.transfers), ("refund", self.refunds)):
            for key, (ref, amount) in book.items():
                owner, currency, source = self._owner.get(key, ("", "", None))
                if owner == escrow_id:
                    found.append(Movement(kind, ref, amount, currency, key, source))
        return found
