"""Reviews, moderation (reports, audit log) and opted-in communities."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, new_id, utcnow
from domain.models.users import Platform


class Review(Document):
    id: str = Field(default_factory=new_id)
    challenge_id: str
    author_id: str
    subject_id: str
    rating: int
    text: str
    created_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "reviews"
        indexes = [IndexModel([("challenge_id", 1), ("author_id", 1)], unique=True),
                   IndexModel([("subject_id", 1), ("created_at", -1)])]


class ReportTarget(StrEnum):
    USER = "user"
    CHALLENGE = "challenge"
    MESSAGE = "message"


class ReportState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Report(Document):
    id: str = Field(default_factory=new_id)
    reporter_id: str
    target_type: ReportTarget
    target_id: str
    reason: str
    state: ReportState = ReportState.OPEN
    created_at: UtcDatetime = Field(default_factory=utcnow)
    # One open report per reporter and target: "reporter|type|target" while open, a key of
    # its own once resolved (see domain/services/moderation.py).
    dedup_key: str = Field(default_factory=new_id)

    class Settings:
        name = "reports"
        indexes = [IndexModel([("state", 1), ("created_at", -1)]),
                   IndexModel([("dedup_key", 1)], unique=True)]


class AuditEntry(Document):
    """One moderator action; written for every one of them, never changed."""

    id: str = Field(default_factory=new_id)
    actor_id: str
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any] = Field(default_factory=dict)
    at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "audit_log"
        indexes = [IndexModel([("target_type", 1), ("target_id", 1), ("at", -1)])]


class Community(Document):
    """A Telegram chat, Discord guild or Slack workspace that opted in to announcements."""

    id: str = Field(default_factory=new_id)
    platform: Platform
    external_id: str
    title: str
    opted_in_by: str
    active: bool = True
    created_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "communities"
        indexes = [IndexModel([("platform", 1), ("external_id", 1)], unique=True)]
