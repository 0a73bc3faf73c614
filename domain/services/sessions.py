"""Sessions: one bearer token per signed-in device, expiring when unused, refreshable, listed
with device and last use, revocable one by one or all at once."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from domain.deps import Deps
from domain.errors import NotFound, Unauthorized
from domain.events import SessionsRevoked
from domain.models.common import utcnow
from domain.models.users import AuthToken, User
from domain.services.common import load_actor, update_where

# A session nobody used for this long ends; however much it is used, it ends after MAX.
IDLE_LIFETIME = timedelta(days=30)
MAX_LIFETIME = timedelta(days=180)
# last_used_at is written at most this often per session (not on every request).
TOUCH_EVERY = timedelta(minutes=1)
MAX_DEVICE = 120


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Checked in order: Edge and Chrome also say "Safari", Android also says "Linux".
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))


def describe_device(user_agent: str | None) -> str:
    """A short name for the client that signed in: "Firefox on Windows" for a browser, else
    its User-Agent as sent (an app, a script), shortened."""
    text = " ".join((user_agent or "").split())
    browser = next((name for marker, name in _BROWSERS if marker in text), None)
    system = next((name for marker, name in _SYSTEMS if marker in text), None)
    if browser and system:
        return f"{browser} on {system}"
    return text[:MAX_DEVICE] if text else "unknown device"


def _expiry(created_at: datetime, now: datetime) -> datetime:
    return min(now + IDLE_LIFETIME, created_at + MAX_LIFETIME)


async def open_session(user_id: str, device: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    await AuthToken(token_hash=token_hash(token), user_id=user_id,
                    device=describe_device(device), created_at=now, last_used_at=now,
                    expires_at=_expiry(now, now)).insert()
    return token


async def session_of(token: Any) -> AuthToken:
    """The live session a bearer token names (used recently enough, not revoked)."""
    if not isinstance(token, str) or not 10 <= len(token) <= 200:
        raise Unauthorized("missing or malformed token")
    record = await AuthToken.find_one({"token_hash": token_hash(token), "revoked_at": None})
    if record is None:
        raise Unauthorized("invalid or revoked token")
    now = utcnow()
    if record.expires_at is not None and record.expires_at <= now:
        raise Unauthorized("this session expired; sign in again", reason="expired")
    if now - record.last_used_at >= TOUCH_EVERY:
        touched = await update_where(
            AuthToken, {"_id": record.id, "revoked_at": None},
            {"$set": {"last_used_at": now, "expires_at": _expiry(record.created_at, now)}})
        record = touched or record
    return record


async def refresh(token: Any) -> tuple[str, str]:
    """A new token for the same session (the old one stops working); returns (token, user)."""
    record = await session_of(token)
    new_token = secrets.token_urlsafe(32)
    now = utcnow()
    rotated = await update_where(
        AuthToken, {"_id": record.id, "token_hash": record.token_hash, "revoked_at": None},
        {"$set": {"token_hash": token_hash(new_token), "last_used_at": now,
                  "expires_at": _expiry(record.created_at, now)}})
    if rotated is None:
        raise Unauthorized("this session was refreshed or revoked meanwhile")
    return new_token, record.user_id


async def list_sessions(actor_id: str) -> list[AuthToken]:
    actor = await load_actor(actor_id)
    found = await AuthToken.find({"user_id": actor.id, "revoked_at": None}).to_list()
    now = utcnow()
    live = [s for s in found if s.expires_at is None or s.expires_at > now]
    return sorted(live, key=lambda s: s.last_used_at, reverse=True)


async def revoke_session(deps: Deps, actor_id: str, session_id: str) -> None:
    """Sign one of my devices out; its sockets are disconnected at once (SessionsRevoked)."""
    actor = await load_actor(actor_id)
    revoked = await update_where(AuthToken, {"_id": session_id, "user_id": actor.id,
                                             "revoked_at": None},
                                 {"$set": {"revoked_at": utcnow()}})
    if revoked is None:
        raise NotFound("session not found")
    await deps.bus.publish(SessionsRevoked(user_id=actor.id,
                                           token_hashes=(revoked.token_hash,)))


async def revoke_all(deps: Deps, user_id: str, keep_session_id: str | None = None) -> int:
    """End every session of ``user_id`` (but ``keep_session_id``); returns how many. Their
    sockets are disconnected at once; one signed in while this ran is caught by the sockets'
    periodic re-check."""
    condition: dict[str, Any] = {"user_id": user_id, "revoked_at": None}
    if keep_session_id is not None:
        condition["_id"] = {"$ne": keep_session_id}
    ending = await AuthToken.find(condition).to_list()
    result = await AuthToken.find(condition).update({"$set": {"revoked_at": utcnow()}})
    # Without a session to keep, "every token" also covers one issued meanwhile.
    hashes = () if keep_session_id is None else tuple(t.token_hash for t in ending)
    if keep_session_id is None or hashes:
        await deps.bus.publish(SessionsRevoked(user_id=user_id, token_hashes=hashes))
    return int(getattr(result, "modified_count", 0) or 0)


async def logout(token: str) -> AuthToken | None:
    """End the session ``token`` names; the revoked session (None if it was not live)."""
    return await update_where(AuthToken, {"token_hash": token_hash(token), "revoked_at": None},
                              {"$set": {"revoked_at": utcnow()}})


async def live_tokens(token_hashes: Collection[str]) -> set[str]:
    """The fingerprints among ``token_hashes`` whose session is live (unrevoked, unexpired)
    and whose user exists and is not banned: a long-lived connection (a socket) re-checks its
    token with this, so a revocation or a ban it did not hear about still ends it."""
    if not token_hashes:
        return set()
    now = utcnow()
    tokens = [t for t in await AuthToken.find({"token_hash": {"$in": list(token_hashes)},
                                               "revoked_at": None}).to_list()
              if t.expires_at is None or t.expires_at > now]
    owners = list({t.user_id for t in tokens})
    allowed = {u.id async for u in User.find({"_id": {"$in": owners}, "banned": False})}
    return {t.token_hash for t in tokens if t.user_id in allowed}
