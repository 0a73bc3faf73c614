"""Users, their platform identities, auth tokens (sessions) and one-time link codes."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

import pymongo
from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, new_id, utcnow


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


class Platform(StrEnum):
    TELEGRAM = "telegram"
    DISCORD = "discord"
    SLACK = "slack"
    WEB = "web"


class User(Document):
    id: str = Field(default_factory=new_id)
    email: str | None = None
    password_hash: str | None = None
    display_name: str
    bio: str = ""
    skills: list[str] = Field(default_factory=list)
    role: Role = Role.MEMBER
    banned: bool = False
    ban_reason: str | None = None
    rating_sum: int = 0
    rating_count: int = 0
    created_at: UtcDatetime = Field(default_factory=utcnow)
    email_verified: bool = False
    locale: str = "en"
    # TOTP two-factor: the secret while enrolling (pending) and once enabled; the last time
    # step used, so one code never signs in twice; recovery codes as SHA-256 hashes.
    totp_secret: str | None = None
    totp_pending_secret: str | None = None
    totp_last_step: int = 0
    recovery_code_hashes: list[str] = Field(default_factory=list)
    otp_failures: int = 0
    otp_locked_until: UtcDatetime | None = None
    # Set when the account was deleted: the record stays (anonymised) so conversations and
    # reviews keep an author, but nobody can sign in as it.
    deleted_at: UtcDatetime | None = None

    # Process-wide policy from REQUIRE_MODERATOR_2FA (set once by bootstrap): a moderator or
    # admin without two-factor has no moderator powers until they enable it.
    moderators_need_2fa: ClassVar[bool] = False

    @property
    def two_factor_enabled(self) -> bool:
        return self.totp_secret is not None

    @property
    def has_moderator_role(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def is_moderator(self) -> bool:
        return self.has_moderator_role and (self.two_factor_enabled
                                            or not User.moderators_need_2fa)

    @property
    def reputation(self) -> dict[str, float | int]:
        average = round(self.rating_sum / self.rating_count, 2) if self.rating_count else 0.0
        return {"average": average, "count": self.rating_count}

    class Settings:
        name = "users"
        indexes = [
            IndexModel([("email", pymongo.ASCENDING)], unique=True,
                       partialFilterExpression={"email": {"$type": "string"}}),
        ]


class PlatformIdentity(Document):
    """One chat account (or the web login) tied to a user; unique per platform."""

    id: str = Field(default_factory=new_id)
    platform: Platform
    external_id: str
    user_id: str
    username: str | None = None
    created_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "identities"
        indexes = [
            IndexModel([("platform", 1), ("external_id", 1)], unique=True),
            IndexModel([("user_id", 1)]),
        ]


class AuthToken(Document):
    """A bearer token, stored only as its SHA-256 so a leaked database leaks no sessions.

    One record is one session: refreshing rotates ``token_hash`` and keeps the id."""

    id: str = Field(default_factory=new_id)
    token_hash: str
    user_id: str
    created_at: UtcDatetime = Field(default_factory=utcnow)
    revoked_at: UtcDatetime | None = None
    device: str = "unknown device"
    last_used_at: UtcDatetime = Field(default_factory=utcnow)
    # None only for tokens made before expiry existed (and by tests that insert their own).
    expires_at: UtcDatetime | None = None

    class Settings:
        name = "auth_tokens"
        indexes = [IndexModel([("token_hash", 1)], unique=True), IndexModel([("user_id", 1)])]


class LinkCode(Document):
    id: str = Field(default_factory=new_id)
    code_hash: str
    user_id: str
    expires_at: UtcDatetime
    used_at: UtcDatetime | None = None

    class Settings:
        name = "link_codes"
        indexes = [IndexModel([("code_hash", 1)], unique=True)]
