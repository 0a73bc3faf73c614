"""Events that could not reach the durable log (Redis away) wait here, in the store that just
took the state change they describe, until the relay hands them over."""

from __future__ import annotations

from typing import Any

from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, new_id, utcnow


class OutboxEntry(Document):
    id: str = Field(default_factory=new_id)
    stream: str
    record: dict[str, Any]
    created_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "event_outbox"
        indexes = [IndexModel([("created_at", 1), ("_id", 1)])]
