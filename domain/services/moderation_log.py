"""The audit log: one entry for every moderator action."""

from __future__ import annotations

from typing import Any

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
