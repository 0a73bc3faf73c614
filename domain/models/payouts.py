"""A solver's payout account at the payment provider (a Stripe Connect account)."""

from __future__ import annotations

from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, new_id, utcnow


class PayoutAccount(Document):
    """Created (unique per user) before the provider is asked for the account, so a retry
    finds the record and reuses its idempotency key instead of opening a second account."""

    id: str = Field(default_factory=new_id)
    user_id: str
    idempotency_key: str
    account_ref: str | None = None
    payouts_enabled: bool = False
    details_submitted: bool = False
    # Creation time (provider clock, seconds) of the event that set the flags above: an older
    # ``account.updated`` delivered late must not overwrite a newer one.
    status_at: int = 0
    links_issued: int = 0
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "payout_accounts"
        indexes = [IndexModel([("user_id", 1)], unique=True),
                   IndexModel([("account_ref", 1)], unique=True,
                              partialFilterExpression={"account_ref": {"$type": "string"}})]
