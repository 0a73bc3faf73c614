"""Where a challenge was announced in a community, so the card can be edited in place later.

Kept in the domain (not in one bot) because every chat platform announces the same way: the
Telegram, Discord and Slack bots each store the platform's own reference to the posted card.
"""

from __future__ import annotations

from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, new_id, utcnow
from domain.models.users import Platform


class Announcement(Document):
    id: str = Field(default_factory=new_id)
    platform: Platform
    community_external_id: str
    challenge_id: str
    # The platform's id of the posted card (a Telegram message_id, a Slack ts, ...).
    message_ref: str
    # The newest challenge version (its updated_at) a bot set out to show on the card: nodes
    # sharing a platform's deliveries compare it to find out that an edit of theirs was late.
    shown_version: UtcDatetime | None = None
    created_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "announcements"
        indexes = [
            IndexModel([("platform", 1), ("community_external_id", 1), ("challenge_id", 1)],
                       unique=True),
            IndexModel([("challenge_id", 1), ("platform", 1)]),
        ]
