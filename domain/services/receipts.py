"""Deliver-once helpers for consumers of the durable log.

A platform cannot take our idempotency key (Telegram's sendMessage has none), so a consumer
checks the receipt before delivering and writes it right after: a crash between the two can
repeat one delivery, nothing else can."""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from domain.models.receipts import DeliveryReceipt


async def delivered(key: str) -> bool:
    return await DeliveryReceipt.get(key) is not None


async def mark_delivered(key: str) -> None:
    try:
        await DeliveryReceipt(id=key).insert()
    except DuplicateKeyError:
        pass  # an earlier run got this far
