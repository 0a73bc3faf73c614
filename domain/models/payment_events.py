"""Webhook events from the payment provider, stored by their id before they are processed."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, utcnow


class EventStatus(StrEnum):
    RECEIVED = "received"      # stored, being processed (or its processor died: retried later)
    PROCESSED = "processed"    # applied to the escrow / account it concerns
    IGNORED = "ignored"        # not ours, or a type we do not act on
    DEFERRED = "deferred"      # arrived before what it depends on; replayed when that arrives
    REJECTED = "rejected"      # contradicts our records (e.g. a wrong amount); kept for review


class StripeEvent(Document):
    # The provider's event id is the document id: the unique index that makes a redelivered
    # event a duplicate insert instead of a second processing.
    id: str
    type: str
    created: int
    payload: dict[str, Any]
    status: EventStatus = EventStatus.RECEIVED
    escrow_id: str | None = None
    outcome: str = ""
    attempts: int = 1
    claimed_at: UtcDatetime = Field(default_factory=utcnow)
    received_at: UtcDatetime = Field(default_factory=utcnow)
    processed_at: UtcDatetime | None = None

    class Settings:
        name = "stripe_events"
        indexes = [IndexModel([("escrow_id", 1), ("status", 1), ("created", 1)])]
