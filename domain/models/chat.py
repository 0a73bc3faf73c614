"""Conversations, their messages (gap-free per-conversation seq) and notifications."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, new_id, utcnow


class ConversationKind(StrEnum):
    DIRECT = "direct"
    APPLICATION = "application"
    CHALLENGE = "challenge"


class Conversation(Document):
    id: str = Field(default_factory=new_id)
    kind: ConversationKind
    # What makes it unique: "direct:<a>:<b>" (sorted ids), "application:<id>", "challenge:<id>".
    key: str
    participant_ids: list[str]
    subject_id: str | None = None
    last_seq: int = 0
    # user id -> the highest seq that user has read.
    read_seqs: dict[str, int] = Field(default_factory=dict)
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "conversations"
        indexes = [IndexModel([("key", 1)], unique=True),
                   IndexModel([("participant_ids", 1), ("updated_at", -1)])]


class Message(Document):
    id: str = Field(default_factory=new_id)
    conversation_id: str
    seq: int
    sender_id: str
    body: str
    client_id: str
    created_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "messages"
        indexes = [IndexModel([("conversation_id", 1), ("seq", 1)], unique=True),
                   IndexModel([("conversation_id", 1), ("client_id", 1)], unique=True)]


class Notification(Document):
    id: str = Field(default_factory=new_id)
    user_id: str
    kind: str
    text: str
    data: dict[str, Any] = Field(default_factory=dict)
    read: bool = False
    created_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "notifications"
        indexes = [IndexModel([("user_id", 1), ("created_at", -1)]),
                   IndexModel([("user_id", 1), ("read", 1)])]
