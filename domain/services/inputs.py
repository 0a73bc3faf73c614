"""Input shapes of the services. Interfaces hand raw dicts in; these decide what is valid.

Every piece of text a person types goes through ``Text`` (or ``clean_text``), so one rule holds
on every surface (web, sockets, bots): no control characters (newlines and tabs only where the
field has several lines), no bidirectional overrides (they make text display as something other
than what it says), and nothing that is empty once invisible characters are removed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from domain.models.challenges import Difficulty, Visibility
from domain.models.common import MAX_AMOUNT, Amount, Currency, Money, utcnow
from domain.models.social import ReportTarget

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def _email(value: str) -> str:
    value = value.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValueError("not an email address")
    return value


def _future(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("deadline needs a time zone (use UTC, e.g. 2030-01-01T00:00:00Z)")
    if value <= utcnow():
        raise ValueError("deadline must be in the future")
    return value


# C0/C1 controls (DEL included) and lone surrogates, everywhere; bidi embeddings, overrides and
# isolates (U+202A-U+202E, U+2066-U+2069).
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff"
_BIDI = "\u202a-\u202e\u2066-\u2069"
_FORBIDDEN_MULTILINE = re.compile(f"[{_CONTROL}{_BIDI}]")
_FORBIDDEN_ONE_LINE = re.compile(f"[{_CONTROL}{_BIDI}\t\n\r\u2028\u2029]")
# Characters that show nothing: text made only of these (and spaces) is empty.
_INVISIBLE = re.compile("[\\s\u00ad\u034f\u115f\u1160\u180e\u200b-\u200f\u2060-\u2064"
                        "\u3164\ufeff\uffa0]*")


def clean_text(value: str, *, multiline: bool = True) -> str:
    """``value`` with Windows line ends normalised; ValueError naming what is not allowed."""
    if multiline:
        value = value.replace("\r\n", "\n")
    bad = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN_ONE_LINE).search(value)
    if bad is not None:
        char = bad.group()
        if re.fullmatch(f"[{_BIDI}]", char):
            raise ValueError(f"bidirectional control characters (U+{ord(char):04X}) are not "
                             "allowed")
        if char in "\t\n\r\u2028\u2029":
            raise ValueError("must be a single line")
        raise ValueError(f"control characters (U+{ord(char):04X}) are not allowed")
    if value and _INVISIBLE.fullmatch(value):
        raise ValueError("must contain visible characters")
    return value


def _one_line(value: str) -> str:
    return clean_text(value, multiline=False)


def Text(max_length: int, min_length: int = 1, *, multiline: bool = False) -> type[str]:
    """Trimmed text of a bounded length; one line unless ``multiline``."""
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=min_length,  # type: ignore[return-value]
                                            max_length=max_length, strict=True),
                     AfterValidator(clean_text if multiline else _one_line)]


def LongText(max_length: int, min_length: int = 1) -> type[str]:
    """Text of several lines (descriptions, messages, proposals)."""
    return Text(max_length, min_length, multiline=True)


Email = Annotated[str, StringConstraints(strict=True), AfterValidator(_one_line),
                  AfterValidator(_email)]
_TAG = re.compile(r"^[a-z0-9][a-z0-9+#.\-]{0,29}$")


def _tag(value: str) -> str:
    value = value.strip().lower()
    if not _TAG.match(value):
        raise ValueError("a tag is 1-30 letters, digits or + # . - (starting with a letter or "
                         "digit)")
    return value


Tag = Annotated[str, StringConstraints(strict=True), AfterValidator(_tag)]
Deadline = Annotated[datetime, AfterValidator(_future)]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# A time in a query string (filters): without a zone it is taken as UTC.
QueryTime = Annotated[datetime, AfterValidator(_utc)]


class StrictInput(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterInput(StrictInput):
    email: Email
    password: Annotated[str, StringConstraints(strict=True, min_length=8, max_length=256)]
    display_name: Text(60)


class LoginInput(StrictInput):
    email: Email
    password: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=256)]
    # The TOTP or recovery code, for accounts with two-factor authentication.
    otp: Annotated[str, StringConstraints(strict=True, strip_whitespace=True, min_length=1,
                                          max_length=20)] | None = None


class ProfileInput(StrictInput):
    display_name: Text(60) | None = None
    # The language of the mails we send (domain/mail/templates.py has the catalogs).
    locale: Literal["en", "de"] | None = None
    bio: LongText(2000, min_length=0) | None = None
    skills: Annotated[list[Tag], Field(max_length=30)] | None = None


class MilestoneInput(StrictInput):
    title: Text(120)
    amount: Amount


class ChallengeInput(StrictInput):
    title: Text(120, min_length=3)
    description: LongText(10_000)
    category: Text(40)
    tags: Annotated[list[Tag], Field(max_length=10)] = []
    difficulty: Difficulty = Difficulty.MEDIUM
    reward: Money
    milestones: Annotated[list[MilestoneInput], Field(max_length=20)] | None = None
    deadline: Deadline | None = None
    visibility: Visibility = Visibility.PUBLIC
    community_id: Text(64) | None = None


class ChallengeEdit(StrictInput):
    title: Text(120, min_length=3) | None = None
    description: LongText(10_000) | None = None
    category: Text(40) | None = None
    tags: Annotated[list[Tag], Field(max_length=10)] | None = None
    difficulty: Difficulty | None = None
    reward: Money | None = None
    milestones: Annotated[list[MilestoneInput], Field(max_length=20)] | None = None
    deadline: Deadline | None = None
    visibility: Visibility | None = None


class ChallengeQuery(StrictInput):
    q: Text(200, min_length=0) | None = None
    category: Text(40) | None = None
    tag: Tag | None = None
    min_reward: Annotated[int, Field(ge=0, le=MAX_AMOUNT)] | None = None
    max_reward: Annotated[int, Field(ge=0, le=MAX_AMOUNT)] | None = None
    currency: Currency | None = None
    state: str | None = None
    owner_id: Text(64) | None = None
    solver_id: Text(64) | None = None
    difficulty: Difficulty | None = None
    deadline_before: QueryTime | None = None
    deadline_after: QueryTime | None = None
    # Unset: relevance when searching for words (``q``), newest otherwise.
    sort: Annotated[str, Field(pattern=r"^(newest|reward|deadline|popular|relevance)$")] | None = (
        None)
    cursor: Text(500) | None = None
    limit: Annotated[int, Field(ge=1, le=100)] = 20

    @model_validator(mode="after")
    def _rewards_in_one_currency(self) -> ChallengeQuery:
        # Minor units of different currencies do not compare (1,000 JPY is not more than 5 USD),
        # and no exchange rate is ours to invent: reward bounds and the reward sort apply within
        # the one currency the query names.
        if self.currency is None and (self.min_reward is not None
                                      or self.max_reward is not None or self.sort == "reward"):
            raise ValueError("min_reward, max_reward and sort=reward compare amounts of one "
                             "currency: add currency (e.g. currency=usd)")
        return self


class ApplyInput(StrictInput):
    proposal: LongText(5000)


class SubmitInput(StrictInput):
    note: LongText(5000)


class DisputeInput(StrictInput):
    reason: LongText(2000)


class ResolveInput(StrictInput):
    release_amount: Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT)]
    refund_amount: Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT)]


class ReviewInput(StrictInput):
    rating: Annotated[int, Field(strict=True, ge=1, le=5)]
    text: LongText(2000, min_length=0) = ""


class ReportInput(StrictInput):
    target_type: ReportTarget
    target_id: Text(64)
    reason: LongText(2000)


class BanInput(StrictInput):
    reason: LongText(500) = "no reason given"


class MessageInput(StrictInput):
    conversation_id: Text(64)
    body: LongText(4000)
    client_id: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=64),
                         AfterValidator(_one_line)]
