"""Flags for moderators about money: raised (once per key) by the jobs and handlers that find
something a human must look at, cleared when a later check finds it fixed."""

from __future__ import annotations

from typing import Any

from pymongo.errors import DuplicateKeyError

from domain.models.common import utcnow
from domain.models.escrow import Escrow
from domain.models.payment_operations import FlagKind, MoneyFlag
from domain.services.common import update_where


async def raise_flag(kind: FlagKind, escrow: Escrow, key: str, message: str,
                     details: dict[str, Any] | None = None) -> MoneyFlag:
    """Open the flag ``key`` (or refresh it: the same problem seen again is one flag)."""
    now = utcnow()
    update = {"$set": {"open": True, "message": message, "details": details or {},
                       "last_seen_at": now, "resolved_at": None}}
    found = await update_where(MoneyFlag, {"key": key}, update)
    if found is not None:
        return found
    try:
        return await MoneyFlag(key=key, kind=kind, escrow_id=escrow.id,
                               challenge_id=escrow.challenge_id, message=message,
                               details=details or {}).insert()
    except DuplicateKeyError:  # raised concurrently by another run
        again = await update_where(MoneyFlag, {"key": key}, update)
        assert again is not None
        return again


async def clear_flag(key: str) -> None:
    await update_where(MoneyFlag, {"key": key, "open": True},
                       {"$set": {"open": False, "resolved_at": utcnow()}})


async def open_flags(limit: int = 200) -> list[MoneyFlag]:
    return await (MoneyFlag.find({"open": True}).sort("-last_seen_at")
                  .limit(limit).to_list())
