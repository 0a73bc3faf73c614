"""Email addresses: verification after sign-up, and changing the address (confirmed on the
new one before it replaces the old; the old one is told)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import Conflict, ValidationFailed
from domain.models.account_tokens import TokenPurpose
from domain.models.users import User
from domain.passwords import verify_password
from domain.services import account_tokens
from domain.services.account_inputs import ChangeEmailInput, TokenInput
from domain.services.account_tokens import LIFETIMES
from domain.services.common import get_or_404, load_actor, parse, update_where
from domain.services.mail import send_to_user, try_send, web_link


async def send_verification(deps: Deps, user: User) -> None:
    """Mail a fresh verification link (older unused links stop working)."""
    if user.email is None:
        raise ValidationFailed("this account has no email address")
    await account_tokens.retire(user.id, TokenPurpose.VERIFY_EMAIL)
    token = await account_tokens.issue(TokenPurpose.VERIFY_EMAIL, user.id, email=user.email)
    hours = int(LIFETIMES[TokenPurpose.VERIFY_EMAIL].total_seconds() // 3600)
    await send_to_user(deps, user, "verify_email", {
        "email": user.email, "hours": hours,
        "link": web_link(deps, "/verify-email", token=token)})


async def resend_verification(deps: Deps, actor_id: str) -> None:
    user = await load_actor(actor_id)
    if user.email_verified:
        raise Conflict("your email is already verified")
    await account_tokens.refuse_if_too_many(user.id, TokenPurpose.VERIFY_EMAIL)
    await send_verification(deps, user)


async def verify(deps: Deps, data: Mapping[str, Any]) -> User:
    """Redeem a link from a verification mail or from a change of address."""
    form = parse(TokenInput, data)
    record = await account_tokens.consume(form.token, [TokenPurpose.VERIFY_EMAIL,
                                                       TokenPurpose.CHANGE_EMAIL])
    user = await get_or_404(User, record.user_id, "user")
    if record.purpose == TokenPurpose.VERIFY_EMAIL:
        # Only the address the mail went to: a link for an address since replaced is void.
        updated = await update_where(User, {"_id": user.id, "email": record.email},
                                     {"$set": {"email_verified": True}})
        if updated is None:
            raise Conflict("this link was for an address the account no longer uses")
        return updated
    return await _switch_email(deps, user, record.email or "")


async def _switch_email(deps: Deps, user: User, new_email: str) -> User:
    old_email = user.email
    try:
        updated = await update_where(User, {"_id": user.id},
                                     {"$set": {"email": new_email, "email_verified": True}})
    except DuplicateKeyError:
        raise Conflict("another account uses this email now") from None
    assert updated is not None
    if old_email and old_email != new_email:
        await try_send(deps, updated, "email_changed", {
            "email": new_email, "link": web_link(deps, "/forgot-password")}, to=old_email)
    return updated


async def request_change(deps: Deps, actor_id: str, data: Mapping[str, Any]) -> None:
    """Mail a confirmation link to the new address; nothing changes until it is opened."""
    user = await load_actor(actor_id)
    form = parse(ChangeEmailInput, data)
    if user.password_hash is None or not await verify_password(
            deps.password_hasher, user.password_hash, form.password):
        raise ValidationFailed("wrong password", fields={"password": "wrong password"})
    if form.email == user.email:
        raise ValidationFailed("this is already your email", fields={"email": "unchanged"})
    if await User.find_one({"email": form.email}) is not None:
        raise Conflict("another account uses this email")
    await account_tokens.refuse_if_too_many(user.id, TokenPurpose.CHANGE_EMAIL)
    await account_tokens.retire(user.id, TokenPurpose.CHANGE_EMAIL)
    token = await account_tokens.issue(TokenPurpose.CHANGE_EMAIL, user.id, email=form.email)
    hours = int(LIFETIMES[TokenPurpose.CHANGE_EMAIL].total_seconds() // 3600)
    await send_to_user(deps, user, "change_email", {
        "email": form.email, "hours": hours,
        "link": web_link(deps, "/verify-email", token=token)}, to=form.email)
