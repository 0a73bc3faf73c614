"""TOTP two-factor authentication (RFC 6238, via pyotp) with single-use recovery codes.

A code is accepted once (its time step is remembered), wrong codes are counted and, past
``MAX_FAILURES`` in a row, the account's second factor is locked for ``LOCKOUT``."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pyotp

from domain.deps import Deps
from domain.errors import Conflict, TooManyAttempts, Unauthorized, ValidationFailed
from domain.models.common import utcnow
from domain.models.users import User
from domain.services.account_inputs import CodeInput
from domain.services.common import load_actor, parse, update_where

ISSUER = "OpenChance"
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
STEP_SECONDS = 30


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").replace(" ", "").lower().encode()).hexdigest()


def _new_recovery_code() -> str:
    chars = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


async def setup(deps: Deps, actor_id: str) -> tuple[str, str]:
    """A new secret to enrol in an authenticator app; active only after ``enable``."""
    user = await load_actor(actor_id)
    if user.two_factor_enabled:
        raise Conflict("two-factor authentication is already on; disable it first")
    secret = pyotp.random_base32()
    await update_where(User, {"_id": user.id}, {"$set": {"totp_pending_secret": secret}})
    url = pyotp.TOTP(secret).provisioning_uri(name=user.email or user.display_name,
                                              issuer_name=ISSUER)
    return secret, url


def _matching_step(secret: str, code: str, now: float) -> int | None:
    """The time step (previous, current or next: clocks drift) whose code is ``code``."""
    totp = pyotp.TOTP(secret)
    current = int(now // STEP_SECONDS)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


async def enable(deps: Deps, actor_id: str, data: Mapping[str, Any]) -> list[str]:
    """Turn two-factor on with a first code from the app; answers the recovery codes (shown
    once: only their hashes are kept)."""
    user = await load_actor(actor_id)
    form = parse(CodeInput, data)
    secret = user.totp_pending_secret
    if user.two_factor_enabled or secret is None:
        raise Conflict("start with POST /me/2fa/setup" if secret is None
                       else "two-factor authentication is already on")
    await _guard(user)
    step = _matching_step(secret, form.code, time.time())
    if step is None:
        await _count_failure(user)
        raise ValidationFailed("wrong code; check the time on your phone and try again",
                               fields={"code": "wrong code"})
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    enabled = await update_where(
        User, {"_id": user.id, "totp_pending_secret": secret, "totp_secret": None},
        {"$set": {"totp_secret": secret, "totp_pending_secret": None, "totp_last_step": step,
                  "recovery_code_hashes": [_code_hash(c) for c in codes],
                  "otp_failures": 0, "otp_locked_until": None}})
    if enabled is None:
        raise Conflict("two-factor setup changed meanwhile; start again")
    return codes


async def disable(deps: Deps, actor_id: str, data: Mapping[str, Any]) -> None:
    user = await load_actor(actor_id)
    form = parse(CodeInput, data)
    if not user.two_factor_enabled:
        raise Conflict("two-factor authentication is not on")
    try:
        await check_code(user, form.code)
    except Unauthorized:  # signed in already: a wrong field, not a bad session
        raise ValidationFailed("wrong or already used code",
                               fields={"code": "wrong code"}) from None
    await update_where(User, {"_id": user.id},
                       {"$set": {"totp_secret": None, "totp_pending_secret": None,
                                 "recovery_code_hashes": [], "totp_last_step": 0}})


async def check_code(user: User, code: str) -> None:
    """Accept a current TOTP code (once) or an unused recovery code (used up); otherwise count
    the failure. Raises Unauthorized (wrong) or TooManyAttempts (locked)."""
    assert user.totp_secret is not None
    await _guard(user)
    cleaned = code.strip()
    if cleaned.isdigit() and len(cleaned) == 6:
        step = _matching_step(user.totp_secret, cleaned, time.time())
        if step is not None and await update_where(
                User, {"_id": user.id, "totp_last_step": {"$lt": step}},
                {"$set": {"totp_last_step": step, "otp_failures": 0}}) is not None:
            return
    else:
        hashed = _code_hash(cleaned)
        if await update_where(User, {"_id": user.id, "recovery_code_hashes": hashed},
                              {"$pull": {"recovery_code_hashes": hashed},
                               "$set": {"otp_failures": 0}}) is not None:
            return
    await _count_failure(user)
    raise Unauthorized("wrong or already used code", reason="wrong_code")


async def _guard(user: User) -> None:
    locked = user.otp_locked_until
    now = utcnow()
    if locked is not None and locked > now:
        wait = int((locked - now).total_seconds()) + 1
        raise TooManyAttempts(f"too many wrong codes; try again in {wait} s", retry_after=wait)


async def _count_failure(user: User) -> None:
    counted = await update_where(User, {"_id": user.id}, {"$inc": {"otp_failures": 1}})
    if counted is not None and counted.otp_failures >= MAX_FAILURES:
        await update_where(User, {"_id": user.id},
                           {"$set": {"otp_failures": 0, "otp_locked_until": utcnow() + LOCKOUT}})
