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


async def claim(key: str) -> bool:
    """Handle-once for inputs a platform may send again (Slack retries an event it thinks
    was missed): True for the first claim of ``key``, False for every later one."""
    try:
        await DeliveryReceipt(id=key).insert()
    except DuplicateKeyError:
        return False
    return True


async def unclaim(key: str) -> None:
    """Give a claim back (handling it failed), so the platform's next retry is handled."""
    found = await DeliveryReceipt.get(key)
    if found is not None:
        await found.delete()
