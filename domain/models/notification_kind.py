"""The kinds of inbox notification. The values are the strings clients see in ``kind``."""

from __future__ import annotations

from enum import StrEnum


class NotificationKind(StrEnum):
    APPLICATION_RECEIVED = "application.received"
    APPLICATION_ACCEPTED = "application.accepted"
    APPLICATION_REJECTED = "application.rejected"
    APPLICATION_WITHDRAWN = "application.withdrawn"
    ESCROW_FUNDED = "escrow.funded"
    ESCROW_RELEASED = "escrow.released"
    ESCROW_REFUNDED = "escrow.refunded"
    ESCROW_DISPUTED = "escrow.disputed"
    ESCROW_RESOLVED = "escrow.resolved"
    MILESTONE_SUBMITTED = "milestone.submitted"
    REVIEW_RECEIVED = "review.received"
    CHALLENGE_EXPIRED = "challenge.expired"
    DEADLINE_REMINDER = "deadline.reminder"
