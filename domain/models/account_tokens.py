"""Single-use, expiring tokens mailed to a person: verify an email, reset a password, confirm
a new email address; and the long-lived unsubscribe tokens of notification mails."""

from __future__ import annotations

from enum import StrEnum

from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, new_id, utcnow


class TokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"
    CHANGE_EMAIL = "change_email"
    UNSUBSCRIBE = "unsubscribe"


class AccountToken(Document):
    """Stored as the SHA-256 of the token: the link in the mail is the only copy."""

    id: str = Field(default_factory=new_id)
    token_hash: str
    purpose: TokenPurpose
    user_id: str
    # The address the token was mailed to (a change of email confirms this one).
    email: str | None = None
    # What an unsubscribe token turns off: notification kinds (empty: every kind).
    kinds: list[str] = Field(default_factory=list)
    created_at: UtcDatetime = Field(default_factory=utcnow)
    expires_at: UtcDatetime
    used_at: UtcDatetime | None = None

    class Settings:
        name = "account_tokens"
        indexes = [IndexModel([("token_hash", 1)], unique=True),
                   IndexModel([("user_id", 1), ("purpose", 1)])]
