"""The embedded (offline) gateway's stand-in for Stripe's hosted pages.

Paying a simulated checkout, or finishing a simulated payout onboarding, produces the event
Stripe would send, signed with this process's webhook secret; the caller delivers it to the
webhook endpoint, so simulated money walks exactly the path real money does.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Any

from domain.deps import Deps
from domain.errors import NotFound
from domain.models.challenges import Challenge
from domain.models.escrow import Escrow
from domain.models.payouts import PayoutAccount
from domain.ports import RecordsSimulatedPayments
from domain.services.common import get_or_404, require_id


def _ensure_offline(deps: Deps) -> str:
    if not deps.simulated_payments or not deps.webhook_secret:
        raise NotFound("there are no simulated payments: a real payment provider is configured")
    return deps.webhook_secret


def _sim_id(prefix: str, seed: str) -> str:
    return f"{prefix}_sim_{hashlib.sha256(seed.encode()).hexdigest()[:20]}"


def _signed(deps: Deps, secret: str, event_type: str, seed: str,
            obj: dict[str, Any]) -> tuple[str, str]:
    # The event id derives from what was paid, so pressing "Pay" twice sends the same event.
    now = int(time.time())
    event = {"id": _sim_id("evt", f"{event_type}:{seed}"), "object": "event", "type": event_type,
             "created": now, "livemode": False, "api_version": "simulated",
             "data": {"object": obj}}
    payload = json.dumps(event, separators=(",", ":"))
    return payload, deps.signatures.sign(payload, secret, now)


async def simulated_checkout(deps: Deps, reference: Any) -> Escrow:
    """The escrow a simulated checkout pays for."""
    _ensure_offline(deps)
    reference = require_id(reference, "checkout reference")
    escrow = await Escrow.find_one({"checkout_reference": reference})
    if escrow is None:
        raise NotFound("no such simulated checkout")
    return escrow


async def checkout_page(deps: Deps, reference: Any) -> tuple[Escrow, Challenge]:
    """What the simulated checkout page shows: the escrow and the challenge it pays for."""
    escrow = await simulated_checkout(deps, reference)
    return escrow, await get_or_404(Challenge, escrow.challenge_id, "challenge")


async def pay_simulated_checkout(deps: Deps, reference: Any) -> tuple[str, str]:
    """The signed ``checkout.session.completed`` (payload, Stripe-Signature) for a checkout."""
    secret = _ensure_offline(deps)
    escrow = await simulated_checkout(deps, reference)
    intent = _sim_id("pi", escrow.checkout_reference or escrow.id)
    if isinstance(deps.gateway, RecordsSimulatedPayments):
        # What Stripe would hold from now on: reconciliation compares the ledger with it.
        deps.gateway.record_payment(intent, escrow_id=escrow.id, amount=escrow.amount,
                                    currency=escrow.currency)
    metadata = {"escrow_id": escrow.id, "challenge_id": escrow.challenge_id}
    session: dict[str, Any] = {"id": escrow.checkout_reference, "object": "checkout.session",
               "status": "complete", "payment_status": "paid", "mode": "payment",
               "amount_total": escrow.amount, "currency": escrow.currency,
               "client_reference_id": escrow.id, "metadata": metadata,
               "payment_intent": intent}
    return _signed(deps, secret, "checkout.session.completed",
                   escrow.checkout_reference or escrow.id, session)


async def simulated_onboarding(deps: Deps, account_ref: Any) -> PayoutAccount:
    _ensure_offline(deps)
    account_ref = require_id(account_ref, "account reference")
    account = await PayoutAccount.find_one({"account_ref": account_ref})
    if account is None:
        raise NotFound("no such simulated payout account")
    return account


async def finish_simulated_onboarding(deps: Deps, account_ref: Any) -> tuple[str, str]:
    """The signed ``account.updated`` (payouts enabled) for a simulated payout account."""
    secret = _ensure_offline(deps)
    account = await simulated_onboarding(deps, account_ref)
    obj = {"id": account.account_ref, "object": "account", "payouts_enabled": True,
           "details_submitted": True, "charges_enabled": False,
           "metadata": {"user_id": account.user_id}}
    return _signed(deps, secret, "account.updated", f"{account.account_ref}:enabled", obj)
