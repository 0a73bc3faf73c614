"""The audit log: one entry for every moderator action."""

from __future__ import annotations

from typing import Any

from beanie import SortDirection

from domain.models.social import AuditEntry


async def audit(actor_id: str, action: str, target_type: str, target_id: str,
                details: dict[str, Any] | None = None) -> AuditEntry:
    entry = AuditEntry(actor_id=actor_id, action=action, target_type=target_type,
                       target_id=target_id, details=details or {})
    await entry.insert()
    return entry


async def audit_trail(target_type: str, target_id: str) -> list[AuditEntry]:
    return await (AuditEntry.find({"target_type": target_type, "target_id": target_id})
                  .sort("-at").to_list())


async def audit_log(actor_id: str, cursor: str | None = None,
                    limit: int = 50) -> tuple[list[AuditEntry], str | None]:
    """The whole audit log, newest first, for moderators (``GET /mod/audit``)."""
    from domain.services.common import require_moderator
    from domain.services.pagination import after_filter, encode_cursor

    await require_moderator(actor_id)
    entries = await (AuditEntry.find(after_filter("at", True, cursor))
                     .sort([("at", SortDirection.DESCENDING), ("_id", SortDirection.DESCENDING)])
                     .limit(limit + 1).to_list())
    more = len(entries) > limit
    entries = entries[:limit]
    return entries, encode_cursor(entries[-1].at, entries[-1].id) if more else None
