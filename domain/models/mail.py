"""The embedded outbox: mails kept in the store instead of sent, when no SMTP_URL is set."""

from __future__ import annotations

from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, new_id, utcnow


class OutboxMail(Document):
    id: str = Field(default_factory=new_id)
    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str] = Field(default_factory=dict)
    created_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "outbox_mails"
        indexes = [IndexModel([("created_at", -1)])]
