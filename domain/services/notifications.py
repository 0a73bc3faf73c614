"""The notification inbox. Live delivery (sockets, bot DMs) subscribes to NotificationCreated."""

from __future__ import annotations

import hashlib
from typing import Any

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import NotFound, ValidationFailed
from domain.events import NotificationCreated
from domain.models.chat import Notification
from domain.services.common import load_actor


def _id_for(dedupe_key: str) -> str:
    # Shaped like the ObjectId hex of every other id, so clients see nothing different.
    return hashlib.sha256(dedupe_key.encode()).hexdigest()[:24]


async def notify(deps: Deps, user_id: str, kind: str, text: str,
                 data: dict[str, Any] | None = None, *,
                 dedupe_key: str | None = None) -> Notification:
    """Store one notification and announce it. With ``dedupe_key`` (a consumer retrying the
    same event), a second call finds the first notification and announces it again: whoever
    delivers ``NotificationCreated`` dedupes by notification id."""
    notification = Notification(user_id=user_id, kind=str(kind), text=text, data=data or {})
    if dedupe_key is not None:
        notification.id = _id_for(dedupe_key)
    try:
        await notification.insert()
    except DuplicateKeyError:
        existing = await Notification.get(notification.id)
        if existing is None:
            raise
        notification = existing
    await deps.bus.publish(NotificationCreated(notification_id=notification.id, user_id=user_id,
                                               kind=notification.kind))
    return notification


async def inbox(actor_id: str, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    actor = await load_actor(actor_id)
    if not 1 <= limit <= 200:
        raise ValidationFailed("limit must be between 1 and 200")
    condition: dict[str, Any] = {"user_id": actor.id}
    if unread_only:
        condition["read"] = False
    return await Notification.find(condition).sort("-created_at").limit(limit).to_list()


async def mark_read(deps: Deps, actor_id: str, ids: Any) -> int:
    actor = await load_actor(actor_id)
    if not isinstance(ids, list) or not ids or len(ids) > 200 or not all(
            isinstance(i, str) and 0 < len(i) <= 64 for i in ids):
        raise ValidationFailed("ids must be a list of 1 to 200 notification ids")
    result = await Notification.find({"_id": {"$in": ids}, "user_id": actor.id,
                                      "read": False}).update({"$set": {"read": True}})
    return getattr(result, "modified_count", 0)


async def notification_for(user_id: str, notification_id: str) -> Notification:
    """One notification of ``user_id`` (for live delivery, which is told only its id)."""
    notification = await Notification.get(notification_id) if notification_id else None
    if notification is None or notification.user_id != user_id:
        raise NotFound("notification not found")
    return notification
