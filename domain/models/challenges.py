"""Challenges and the applications solvers make to them."""

from __future__ import annotations

from enum import StrEnum

from beanie import Document
from pydantic import BaseModel, ConfigDict, Field
from pymongo import IndexModel

from domain.models.common import Money, UtcDatetime, new_id, utcnow


class ChallengeState(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REMOVED = "removed"
    EXPIRED = "expired"  # the deadline passed with no accepted solver


class Difficulty(StrEnum):
    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"
    EXPERT = "expert"


class Visibility(StrEnum):
    PUBLIC = "public"
    COMMUNITY = "community"
    UNLISTED = "unlisted"


class MilestonePlan(BaseModel):
    # A value, never changed in place (a new plan replaces it), as Money is.
    model_config = ConfigDict(frozen=True)

    title: str
    amount: int


class Challenge(Document):
    id: str = Field(default_factory=new_id)
    owner_id: str
    title: str
    description: str
    category: str
    tags: list[str] = Field(default_factory=list)
    difficulty: Difficulty = Difficulty.MEDIUM
    reward: Money
    milestones: list[MilestonePlan]
    deadline: UtcDatetime | None = None
    # deadline, or a far-future date when there is none, so "ending soonest" sorts them last.
    deadline_key: UtcDatetime
    # When the 24-hour deadline reminder went out (so it goes out once).
    reminded_at: UtcDatetime | None = None
    visibility: Visibility = Visibility.PUBLIC
    community_id: str | None = None
    state: ChallengeState = ChallengeState.OPEN
    accepted_application_id: str | None = None
    solver_id: str | None = None
    application_count: int = 0
    created_at: UtcDatetime = Field(default_factory=utcnow)
    updated_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "challenges"
        indexes = [
            IndexModel([("state", 1), ("created_at", -1)]),
            # The listing sorts end with _id (the page cursor's tie-break): with it in the
            # index a real MongoDB walks the index in page order instead of sorting matches.
            # The default listing: open, public, newest first.
            IndexModel([("state", 1), ("visibility", 1), ("created_at", -1), ("_id", -1)]),
            IndexModel([("owner_id", 1), ("created_at", -1)]),
            IndexModel([("solver_id", 1)]),
            IndexModel([("category", 1), ("created_at", -1)]),
            IndexModel([("tags", 1)]),
            IndexModel([("state", 1), ("reward.amount", -1), ("_id", -1)]),
            IndexModel([("state", 1), ("deadline_key", 1), ("_id", 1)]),
            IndexModel([("state", 1), ("application_count", -1), ("_id", -1)]),
        ]


class ApplicationState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Application(Document):
    id: str = Field(default_factory=new_id)
    challenge_id: str
    solver_id: str
    proposal: str
    state: ApplicationState = ApplicationState.PENDING
    created_at: UtcDatetime = Field(default_factory=utcnow)
    decided_at: UtcDatetime | None = None

    class Settings:
        name = "applications"
        indexes = [
            IndexModel([("challenge_id", 1), ("solver_id", 1)], unique=True),
            IndexModel([("solver_id", 1), ("created_at", -1)]),
            IndexModel([("challenge_id", 1), ("state", 1)]),
        ]
