"""Payout onboarding: the account a solver is paid into (Stripe Connect), and its status."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import GatewayFailed
from domain.models.common import utcnow
from domain.models.payouts import PayoutAccount
from domain.services.common import load_actor, parse, update_where
from domain.services.inputs import StrictInput


class OnboardInput(StrictInput):
    pass


async def _account_record(user_id: str) -> PayoutAccount:
    """Stored (unique per user) before the provider is called, with the key that call uses."""
    try:
        return await PayoutAccount(user_id=user_id,
                                   idempotency_key=f"payout-account:{user_id}").insert()
    except DuplicateKeyError:
        found = await PayoutAccount.find_one({"user_id": user_id})
        assert found is not None
        return found


async def start_onboarding(deps: Deps, actor_id: str,
                           data: Mapping[str, Any] | None = None) -> tuple[PayoutAccount, str]:
    """Open the payee account (once) and a fresh onboarding link for the signed-in user."""
    actor = await load_actor(actor_id)
    parse(OnboardInput, data or {})
    record = await _account_record(actor.id)
    try:
        if record.account_ref is None:
            ref = await deps.gateway.create_payee_account(
                user_id=actor.id, email=actor.email, idempotency_key=record.idempotency_key)
            record = await update_where(PayoutAccount, {"_id": record.id},
                                        {"$set": {"account_ref": ref,
                                                  "updated_at": utcnow()}}) or record
        record = await update_where(PayoutAccount, {"_id": record.id},
                                    {"$inc": {"links_issued": 1}}) or record
        base = deps.public_url.rstrip("/")
        url = await deps.gateway.create_onboarding_link(
            account_ref=record.account_ref or "", refresh_url=f"{base}/payouts?refresh=1",
            return_url=f"{base}/payouts?done=1",
            idempotency_key=f"{record.idempotency_key}:link:{record.links_issued}")
    except Exception as exc:
        raise GatewayFailed(f"the payment provider refused payout onboarding: {exc}") from exc
    return record, url


async def get_payout_account(actor_id: str) -> PayoutAccount | None:
    actor = await load_actor(actor_id)
    return await PayoutAccount.find_one({"user_id": actor.id})


async def payee_account_ref(user_id: str) -> str | None:
    """The account a transfer to ``user_id`` goes to, if the provider enabled its payouts."""
    record = await PayoutAccount.find_one({"user_id": user_id})
    if record is None or not record.payouts_enabled:
        return None
    return record.account_ref


async def apply_account_status(account_ref: str, *, payouts_enabled: bool,
                               details_submitted: bool, at: int) -> PayoutAccount | None:
    """Record the provider's view of an account, unless a newer view was recorded already."""
    return await update_where(
        PayoutAccount, {"account_ref": account_ref, "status_at": {"$lte": at}},
        {"$set": {"payouts_enabled": payouts_enabled, "details_submitted": details_submitted,
                  "status_at": at, "updated_at": utcnow()}})
