"""Notification preferences, and alerts waiting to reach a person who was away."""

from __future__ import annotations

from enum import StrEnum

from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, new_id, utcnow


class Channel(StrEnum):
    WEB = "web"
    EMAIL = "email"
    TELEGRAM = "telegram"
    DISCORD = "discord"
    SLACK = "slack"


class NotificationPreferences(Document):
    """Only what the user changed from the defaults; ``id`` is the user's id."""

    id: str
    choices: dict[str, dict[str, bool]] = Field(default_factory=dict)
    updated_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "notification_preferences"


class AlertState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by one digest run; nobody else sends it
    SENT = "sent"
    SEEN = "seen"  # read, or the person was online: nothing to send
    REACHED = "reached"  # delivered on a chat platform already
    SKIPPED = "skipped"  # no channel wanted it


class PendingAlert(Document):
    """A message or notification that may need to reach its recipient off the web.

    ``ref`` is what it is about: ``notification:<id>`` or ``message:<id>``."""

    id: str = Field(default_factory=new_id)
    user_id: str
    ref: str
    kind: str
    text: str
    link: str
    conversation_id: str | None = None
    seq: int | None = None
    state: AlertState = AlertState.PENDING
    digest_id: str | None = None
    reached_on: list[str] = Field(default_factory=list)
    created_at: UtcDatetime = Field(default_factory=utcnow)
    due_at: UtcDatetime
    sent_at: UtcDatetime | None = None

    class Settings:
        name = "pending_alerts"
        indexes = [IndexModel([("state", 1), ("due_at", 1)]),
                   IndexModel([("user_id", 1), ("ref", 1)], unique=True),
                   IndexModel([("digest_id", 1)]),
                   IndexModel([("user_id", 1), ("state", 1), ("sent_at", -1)])]
