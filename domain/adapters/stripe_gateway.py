"""The payment-gateway port on Stripe: separate charges and transfers, Connect payees.

Funding is a Checkout Session whose PaymentIntent carries ``transfer_group`` = the challenge and
our escrow id in its metadata; each release is a Transfer to the solver's connected account
funded by that charge (``source_transaction``); refunds refund that PaymentIntent. Every call
sends the idempotency key the domain stored before calling, so a retried call moves money once.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import stripe

from domain.errors import ShownToUsers
from domain.ports import Checkout, Movement, PaymentNotMade

# Given our user id, the connected account that may receive payouts (None: not onboarded yet).
PayeeLookup = Callable[[str], Awaitable[str | None]]


class PayeeNotReady(PaymentNotMade, ShownToUsers):
    """The solver has no connected account with payouts enabled; nothing was sent."""


def _id(value: Any) -> str | None:
    """A Stripe field that is either an id or an expanded object."""
    if value is None or isinstance(value, str):
        return value
    return getattr(value, "id", None)


def _metadata(obj: Any) -> dict[str, Any]:
    metadata = getattr(obj, "metadata", None)
    return metadata.to_dict() if metadata is not None else {}


class StripeGateway:
    def __init__(self, secret_key: str, *, payee_account: PayeeLookup, public_url: str,
                 api_base: str | None = None, max_network_retries: int = 2) -> None:
        self._secret_key = secret_key
        self._api_base = api_base
        self._retries = max_network_retries
        self._payee_account = payee_account
        self._public_url = public_url.rstrip("/")
        self._client: stripe.StripeClient | None = None
        self._http: stripe.AIOHTTPClient | None = None
        # Checkout Session / PaymentIntent -> (PaymentIntent, Charge); they never change.
        self._payments: dict[str, tuple[str, str | None]] = {}

    @property
    def client(self) -> stripe.StripeClient:
        # Built on first use, inside the running event loop its aiohttp session belongs to.
        if self._client is None:
            addresses = {"api": self._api_base} if self._api_base else None
            self._http = stripe.AIOHTTPClient()
            self._client = stripe.StripeClient(
                self._secret_key, base_addresses=addresses,  # type: ignore[arg-type]
                http_client=self._http, max_network_retries=self._retries)
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            assert self._http is not None
            await self._http.close_async()  # type: ignore[no-untyped-call]
            self._client = None

    async def start_funding(self, *, escrow_id: str, challenge_id: str, amount: int,
                            currency: str, idempotency_key: str) -> Checkout:
        metadata = {"escrow_id": escrow_id, "challenge_id": challenge_id}
        page = f"{self._public_url}/challenges/{challenge_id}"
        session = await self.client.v1.checkout.sessions.create_async({
            "mode": "payment",
            "client_reference_id": escrow_id,
            "line_items": [{"quantity": 1, "price_data": {
                "currency": currency, "unit_amount": amount,
                "product_data": {"name": f"Escrow for challenge {challenge_id}"}}}],
            "payment_intent_data": {"transfer_group": challenge_id, "metadata": metadata},
            "metadata": metadata,
            "success_url": f"{page}?payment=done",
            "cancel_url": f"{page}?payment=cancelled",
        }, {"idempotency_key": idempotency_key})
        if not session.url:
            raise RuntimeError("Stripe returned a checkout session without a URL")
        return Checkout(url=session.url, reference=session.id)

    async def _payment_of(self, reference: str | None) -> tuple[str, str | None]:
        """The PaymentIntent and Charge behind our funding reference."""
        if not reference:
            raise RuntimeError("the escrow has no payment to draw from")
        if reference not in self._payments:
            intent: Any = reference
            if reference.startswith("cs_"):
                session = await self.client.v1.checkout.sessions.retrieve_async(reference)
                intent = _id(getattr(session, "payment_intent", None))
                if not intent:
                    raise RuntimeError("the checkout session has not been paid")
            found = await self.client.v1.payment_intents.retrieve_async(intent)
            self._payments[reference] = (found.id, _id(getattr(found, "latest_charge", None)))
        return self._payments[reference]

    async def transfer(self, *, escrow_id: str, challenge_id: str, payee_id: str, amount: int,
                       currency: str, source_reference: str | None,
                       idempotency_key: str) -> str:
        destination = await self._payee_account(payee_id)
        if not destination:
            raise PayeeNotReady("the solver has not finished payout onboarding yet")
        _, charge = await self._payment_of(source_reference)
        params: dict[str, Any] = {
            "amount": amount, "currency": currency, "destination": destination,
            "transfer_group": challenge_id,
            "metadata": {"escrow_id": escrow_id, "challenge_id": challenge_id,
                         "idempotency_key": idempotency_key}}
        if charge:
            params["source_transaction"] = charge
        transfer = await self.client.v1.transfers.create_async(
            params, {"idempotency_key": idempotency_key})  # type: ignore[arg-type]
        return transfer.id

    async def refund(self, *, escrow_id: str, amount: int, currency: str,
                     source_reference: str | None, idempotency_key: str) -> str:
        intent, _ = await self._payment_of(source_reference)
        refund = await self.client.v1.refunds.create_async({
            "payment_intent": intent, "amount": amount,
            "metadata": {"escrow_id": escrow_id, "idempotency_key": idempotency_key},
        }, {"idempotency_key": idempotency_key})
        return refund.id

    async def create_payee_account(self, *, user_id: str, email: str | None,
                                   idempotency_key: str) -> str:
        params: dict[str, Any] = {
            "type": "express", "metadata": {"user_id": user_id},
            "capabilities": {"transfers": {"requested": True}}}
        if email:
            params["email"] = email
        account = await self.client.v1.accounts.create_async(
            params, {"idempotency_key": idempotency_key})  # type: ignore[arg-type]
        return account.id

    async def create_onboarding_link(self, *, account_ref: str, refresh_url: str,
                                     return_url: str, idempotency_key: str) -> str:
        link = await self.client.v1.account_links.create_async({
            "account": account_ref, "refresh_url": refresh_url, "return_url": return_url,
            "type": "account_onboarding"}, {"idempotency_key": idempotency_key})
        return link.url

    async def movements(self, *, escrow_id: str, challenge_id: str,
                        source_reference: str | None) -> list[Movement]:
        """Charges, their refunds, transfers and reversals of the challenge's transfer group
        (one page of 100 each: far more than one escrow ever has)."""
        found: list[Movement] = []
        page = {"transfer_group": challenge_id, "limit": 100}
        charges = await self.client.v1.charges.list_async(page)  # type: ignore[arg-type]
        for charge in charges.data:
            if charge.status != "succeeded" or not charge.captured:
                continue
            payment = _id(getattr(charge, "payment_intent", None)) or charge.id
            found.append(Movement("payment", payment, charge.amount, charge.currency))
            refunds = await self.client.v1.refunds.list_async(
                {"charge": charge.id, "limit": 100})
            found.extend(Movement("refund", r.id, r.amount, r.currency,
                                  _metadata(r).get("idempotency_key"), payment)
                         for r in refunds.data if r.status in ("succeeded", "pending"))
        transfers = await self.client.v1.transfers.list_async(page)  # type: ignore[arg-type]
        for transfer in transfers.data:
            key = _metadata(transfer).get("idempotency_key")
            source = _id(getattr(transfer, "source_transaction", None))
            found.append(Movement("transfer", transfer.id, transfer.amount, transfer.currency,
                                  key, source))
            if transfer.amount_reversed:
                found.append(Movement("reversal", transfer.id, transfer.amount_reversed,
                                      transfer.currency, None, source))
        return found

    async def escrow_of_payment(self, *, payment_ref: str) -> str | None:
        """Our escrow id from a PaymentIntent's metadata (for events that carry none)."""
        intent = await self.client.v1.payment_intents.retrieve_async(payment_ref)
        metadata = getattr(intent, "metadata", None)
        return metadata.to_dict().get("escrow_id") if metadata is not None else None
