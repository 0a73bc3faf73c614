"""Receipts of deliveries made outside our store (a DM, a card), so a consumer that handles
the same entry again (after a crash, on a retry) does not deliver twice."""

from __future__ import annotations

from beanie import Document
from pydantic import Field

from domain.models.common import UtcDatetime, utcnow


class DeliveryReceipt(Document):
    id: str  # what was delivered, where: e.g. "telegram:dm:<notification>:<chat>"
    created_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "delivery_receipts"
