"""Issuing and redeeming the tokens of mailed links (single use unless said otherwise)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from domain.errors import NotFound, TooManyAttempts, ValidationFailed
from domain.models.account_tokens import AccountToken, TokenPurpose
from domain.models.common import utcnow
from domain.services.common import update_where
from domain.services.sessions import token_hash

LIFETIMES = {
    TokenPurpose.VERIFY_EMAIL: timedelta(hours=48),
    TokenPurpose.CHANGE_EMAIL: timedelta(hours=24),
    TokenPurpose.RESET_PASSWORD: timedelta(minutes=30),
    TokenPurpose.UNSUBSCRIBE: timedelta(days=365),
}


# At most this many mails of one purpose per account in MAIL_WINDOW: a stranger who knows an
# address cannot flood its inbox with reset or verification mails.
MAILS_PER_WINDOW = 3
MAIL_WINDOW = timedelta(minutes=15)


async def too_many_recent(user_id: str, purpose: TokenPurpose) -> bool:
    since = utcnow() - MAIL_WINDOW
    recent = await AccountToken.find({"user_id": user_id, "purpose": purpose,
                                      "created_at": {"$gt": since}}).count()
    return recent >= MAILS_PER_WINDOW


async def refuse_if_too_many(user_id: str, purpose: TokenPurpose) -> None:
    if await too_many_recent(user_id, purpose):
        wait = int(MAIL_WINDOW.total_seconds())
        raise TooManyAttempts(f"we mailed you {MAILS_PER_WINDOW} links in the last "
                              f"{wait // 60} minutes; check your inbox, or try again later",
                              retry_after=wait)


async def issue(purpose: TokenPurpose, user_id: str, *, email: str | None = None,
                kinds: Iterable[str] = ()) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    await AccountToken(token_hash=token_hash(token), purpose=purpose, user_id=user_id,
                       email=email, kinds=list(kinds), created_at=now,
                       expires_at=now + LIFETIMES[purpose]).insert()
    return token


def _token_text(token: Any) -> str:
    if not isinstance(token, str) or not 20 <= len(token) <= 200:
        raise ValidationFailed("token must be the text from the link you were mailed",
                               fields={"token": "malformed"})
    return token


async def find_live(token: Any, purposes: Iterable[TokenPurpose]) -> AccountToken:
    """A token of one of ``purposes`` that is neither used nor expired (not consumed)."""
    record = await AccountToken.find_one({
        "token_hash": token_hash(_token_text(token)), "used_at": None,
        "purpose": {"$in": list(purposes)}, "expires_at": {"$gt": utcnow()}})
    if record is None:
        raise NotFound("this link is unknown, already used or expired; ask for a new one")
    return record


async def consume(token: Any, purposes: Iterable[TokenPurpose]) -> AccountToken:
    """Redeem a single-use token: one atomic update, so two clicks cannot both succeed."""
    now = utcnow()
    record = await update_where(
        AccountToken,
        {"token_hash": token_hash(_token_text(token)), "used_at": None,
         "purpose": {"$in": list(purposes)}, "expires_at": {"$gt": now}},
        {"$set": {"used_at": now}})
    if record is None:
        raise NotFound("this link is unknown, already used or expired; ask for a new one")
    return record


async def retire(user_id: str, purpose: TokenPurpose) -> None:
    """Make every unused token of ``purpose`` for ``user_id`` unusable (a newer one wins)."""
    await AccountToken.find({"user_id": user_id, "purpose": purpose, "used_at": None}).update(
        {"$set": {"used_at": utcnow()}})
