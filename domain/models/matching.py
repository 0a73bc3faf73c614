"""What matching stores beside profiles and challenges: their vectors, and who wants DMs."""

from __future__ import annotations

from enum import StrEnum

from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, utcnow


class VectorKind(StrEnum):
    USER = "user"
    CHALLENGE = "challenge"


class MatchVector(Document):
    """The embedding of one profile or challenge, keyed ``<kind>:<id>``.

    Kept in its own collection (not a field of User or Challenge) so that the 384-1536 floats
    are read only by matching, never by every listing and profile page. ``text_hash`` is the
    hash of the text that was embedded: a vector whose text or model changed is recomputed.
    """

    id: str
    kind: VectorKind
    ref_id: str
    model: str
    text_hash: str
    vector: list[float]
    updated_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "match_vectors"
        indexes = [IndexModel([("kind", 1), ("ref_id", 1)])]


class MatchAlerts(Document):
    """A solver's opt-in to a DM when a new challenge matches them well (id: the user id)."""

    id: str
    enabled: bool = True
    min_score: float = 0.5
    updated_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "match_alerts"
        indexes = [IndexModel([("enabled", 1)])]
