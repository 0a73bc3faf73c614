"""Accounts: registration, login, bearer tokens, profiles, platform identities and link codes.

Sessions live in sessions.py, mailed links in email_addresses.py and password_reset.py, the
second factor in two_factor.py."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import secrets
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import (
    Conflict,
    Forbidden,
    MailFailed,
    NotFound,
    TooManyAttempts,
    TwoFactorRequired,
    Unauthorized,
    ValidationFailed,
)
from domain.events import SessionsRevoked, UserRegistered
from domain.models.common import utcnow
from domain.models.social import Review
from domain.models.users import LinkCode, Platform, PlatformIdentity, User
from domain.password_policy import check_password
from domain.passwords import hash_password, verify_password
from domain.services import sessions, two_factor
from domain.services.common import get_or_404, load_actor, parse, parse_platform, update_where
from domain.services.inputs import LoginInput, ProfileInput, RegisterInput

log = logging.getLogger(__name__)

LINK_CODE_TTL = timedelta(minutes=15)
_LINK_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# Per-account guessing: a few failures are free, then each one locks the account against
# further tries for twice as long as the last (on top of the per-IP limit of the API).
FREE_LOGIN_FAILURES = 5
MAX_LOGIN_LOCK_SECONDS = 15 * 60
REMEMBER_FAILURES_SECONDS = 24 * 3600


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


async def register(deps: Deps, data: Mapping[str, Any],
                   device: str | None = None) -> tuple[str, User]:
    form = parse(RegisterInput, data)
    check_password(form.password, [form.email, form.display_name])
    user = User(email=form.email, display_name=form.display_name,
                password_hash=await hash_password(deps.password_hasher, form.password))
    try:
        await user.insert()
    except DuplicateKeyError:
        raise Conflict("an account with this email already exists") from None
    await PlatformIdentity(platform=Platform.WEB, external_id=user.id, user_id=user.id).insert()
    await deps.bus.publish(UserRegistered(user_id=user.id))
    from domain.services.email_addresses import send_verification

    try:
        await send_verification(deps, user)
    except MailFailed as exc:  # the account exists; the user can ask for the mail again
        log.warning("verification mail to user %s failed: %s", user.id, exc)
    return await sessions.open_session(user.id, device), user


async def login(deps: Deps, data: Mapping[str, Any],
                device: str | None = None) -> tuple[str, User]:
    form = parse(LoginInput, data)
    # Keyed by the email asked for, known or not, so throttling reveals no account.
    throttle_key = _sha256(form.email)
    await _refuse_while_locked(deps, throttle_key)
    user = await User.find_one({"email": form.email})
    # Verifying against a throw-away hash when the email is unknown keeps the time the same.
    stored = user.password_hash if user and user.password_hash else await _dummy_hash(deps)
    matches = await verify_password(deps.password_hasher, stored, form.password)
    if not matches or user is None or user.password_hash is None:
        await _count_failure(deps, throttle_key)
        raise Unauthorized("wrong email or password")
    if deps.login_attempts is not None:
        await deps.login_attempts.clear(throttle_key)
    if user.banned:
        raise Forbidden("this account is banned", reason=user.ban_reason)
    if user.two_factor_enabled:
        if form.otp is None:
            raise TwoFactorRequired("enter the code from your authenticator app (or a "
                                    "recovery code) as otp")
        await two_factor.check_code(user, form.otp)
    return await sessions.open_session(user.id, device), user


async def _refuse_while_locked(deps: Deps, key: str) -> None:
    if deps.login_attempts is None:
        return
    _, locked_for = await deps.login_attempts.state(key)
    if locked_for > 0:
        wait = math.ceil(locked_for)
        raise TooManyAttempts(f"too many failed sign-ins for this account; try again in "
                              f"{wait} s", retry_after=wait)


async def _count_failure(deps: Deps, key: str) -> None:
    if deps.login_attempts is None:
        return
    failures = await deps.login_attempts.failed(key, REMEMBER_FAILURES_SECONDS)
    if failures >= FREE_LOGIN_FAILURES:
        lock = min(MAX_LOGIN_LOCK_SECONDS, 2 ** (failures - FREE_LOGIN_FAILURES))
        await deps.login_attempts.lock(key, lock)


async def _dummy_hash(deps: Deps) -> str:
    # One shared computation, however many unknown emails arrive before it is done.
    cached = deps.extras.get("dummy_password_hash")
    if not isinstance(cached, asyncio.Future):
        cached = asyncio.ensure_future(hash_password(deps.password_hasher,
                                                     "not-a-real-password"))
        deps.extras["dummy_password_hash"] = cached
    try:
        return str(await asyncio.shield(cached))
    except Exception:
        deps.extras.pop("dummy_password_hash", None)  # e.g. the pool was full: try next time
        raise


async def authenticate(token: Any) -> User:
    """The user a bearer token belongs to; revoked, expired, unknown or banned are refused."""
    record = await sessions.session_of(token)
    return await load_actor(record.user_id)


async def logout(deps: Deps, token: str) -> None:
    """Revoke ``token``; sockets signed in with it are disconnected (SessionsRevoked)."""
    revoked = await sessions.logout(token)
    if revoked is not None:
        await deps.bus.publish(SessionsRevoked(user_id=revoked.user_id,
                                               token_hashes=(revoked.token_hash,)))


def token_fingerprint(token: str) -> str:
    """What a revocation names a token by (never the token itself)."""
    return sessions.token_hash(token)


async def update_profile(deps: Deps, actor_id: str, data: Mapping[str, Any]) -> User:
    await load_actor(actor_id)
    form = parse(ProfileInput, data)
    changes = form.model_dump(exclude_none=True)
    if not changes:
        raise ValidationFailed("nothing to change: give display_name, bio, skills or locale")
    updated = await update_where(User, {"_id": actor_id}, {"$set": changes})
    if updated is None:
        raise NotFound("user not found")
    return updated


async def public_profile(user_id: str) -> tuple[User, list[Review]]:
    user = await get_or_404(User, user_id, "user")
    reviews = await Review.find({"subject_id": user.id}).sort("-created_at").limit(50).to_list()
    return user, reviews


async def create_link_code(deps: Deps, actor_id: str) -> str:
    await load_actor(actor_id)
    code = "".join(secrets.choice(_LINK_ALPHABET) for _ in range(8))
    await LinkCode(code_hash=_sha256(code), user_id=actor_id,
                   expires_at=utcnow() + LINK_CODE_TTL).insert()
    return code


async def platform_user(deps: Deps, platform: Platform | str, external_id: str,
                        display_name: str, username: str | None = None) -> User:
    """The user behind a chat account; a first contact creates a member account for it."""
    platform = parse_platform(platform)
    identity = await PlatformIdentity.find_one({"platform": platform, "external_id": external_id})
    if identity is not None:
        user = await User.get(identity.user_id)
        if user is not None:
            return user
    name = (display_name or username or f"{platform} user").strip()[:60] or f"{platform} user"
    user = User(display_name=name)
    await user.insert()
    try:
        await PlatformIdentity(platform=platform, external_id=external_id, user_id=user.id,
                               username=username).insert()
    except DuplicateKeyError:
        # Two first messages raced; the other one created the identity, so use its user.
        await user.delete()
        identity = await PlatformIdentity.find_one({"platform": platform,
                                                    "external_id": external_id})
        assert identity is not None
        return await get_or_404(User, identity.user_id, "user")
    await deps.bus.publish(UserRegistered(user_id=user.id))
    return user


async def redeem_link_code(deps: Deps, platform: Platform | str, external_id: str,
                           code: Any) -> User:
    """Tie a chat account to the web account that asked for ``code``."""
    if not isinstance(code, str) or not 4 <= len(code.strip()) <= 32:
        raise ValidationFailed("a link code is 8 letters and digits")
    now = utcnow()
    link = await update_where(
        LinkCode, {"code_hash": _sha256(code.strip().upper()), "used_at": None,
                   "expires_at": {"$gt": now}},
        {"$set": {"used_at": now}})
    if link is None:
        raise NotFound("this link code is unknown, used or expired")
    user = await load_actor(link.user_id)
    platform = parse_platform(platform)
    moved = await update_where(PlatformIdentity,
                               {"platform": platform, "external_id": external_id},
                               {"$set": {"user_id": user.id}})
    if moved is None:
        try:
            await PlatformIdentity(platform=platform, external_id=external_id,
                                   user_id=user.id).insert()
        except DuplicateKeyError:
            await update_where(PlatformIdentity, {"platform": platform, "external_id": external_id},
                               {"$set": {"user_id": user.id}})
    return user


async def identities_of(user_id: str) -> list[PlatformIdentity]:
    return await PlatformIdentity.find({"user_id": user_id}).to_list()
