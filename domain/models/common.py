"""Types shared by the documents: ids, UTC times, money."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from bson import ObjectId
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from domain.money import SETTLED

# A single reward above this (in minor units) is refused as absurd: 10 million of a major unit.
MAX_AMOUNT = 1_000_000_000


def new_id() -> str:
    return str(ObjectId())


def utcnow() -> datetime:
    # MongoDB keeps milliseconds; truncating here keeps a value equal after a round trip.
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _as_utc(value: datetime) -> datetime:
    # A real MongoDB hands datetimes back naive (they are UTC); the emulation keeps tzinfo.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDatetime = Annotated[datetime, AfterValidator(_as_utc)]


def _currency(value: str) -> str:
    code = value.lower()
    if code not in SETTLED:
        raise ValueError(f"unknown currency {value!r}")
    return code


Currency = Annotated[str, AfterValidator(_currency)]
Amount = Annotated[int, Field(strict=True, gt=0, le=MAX_AMOUNT)]


class Money(BaseModel):
    """An amount in minor units (cents) with a lower-case ISO currency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    amount: Amount
    currency: Currency
