"""Forgotten and changed passwords. A reset link is single-use and expires; using it (or
changing the password) signs every other session out."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from domain.deps import Deps
from domain.errors import MailFailed, ValidationFailed
from domain.models.account_tokens import TokenPurpose
from domain.models.users import User
from domain.password_policy import check_password
from domain.passwords import hash_password, verify_password
from domain.services import account_tokens, sessions
from domain.services.account_inputs import ChangePasswordInput, ForgotInput, ResetInput
from domain.services.account_tokens import LIFETIMES
from domain.services.common import get_or_404, load_actor, parse, update_where
from domain.services.mail import send_to_user, try_send, web_link

log = logging.getLogger(__name__)


async def forgot(deps: Deps, data: Mapping[str, Any]) -> None:
    """Mail a reset link if the address has an account. Answers the same either way, so
    nobody learns which addresses have accounts."""
    form = parse(ForgotInput, data)
    user = await User.find_one({"email": form.email, "deleted_at": None})
    if user is None or user.banned:
        return
    if await account_tokens.too_many_recent(user.id, TokenPurpose.RESET_PASSWORD):
        log.info("reset mail for user %s skipped: too many in a short time", user.id)
        return  # answered the same as always: the limit must not reveal the account either
    await account_tokens.retire(user.id, TokenPurpose.RESET_PASSWORD)
    token = await account_tokens.issue(TokenPurpose.RESET_PASSWORD, user.id, email=user.email)
    minutes = int(LIFETIMES[TokenPurpose.RESET_PASSWORD].total_seconds() // 60)
    try:
        await send_to_user(deps, user, "reset_password", {
            "minutes": minutes, "link": web_link(deps, "/reset-password", token=token)})
    except MailFailed as exc:
        log.warning("reset mail to user %s failed: %s", user.id, exc)


async def reset(deps: Deps, data: Mapping[str, Any]) -> User:
    form = parse(ResetInput, data)
    record = await account_tokens.find_live(form.token, [TokenPurpose.RESET_PASSWORD])
    user = await get_or_404(User, record.user_id, "user")
    check_password(form.password, [user.email or "", user.display_name])
    await account_tokens.consume(form.token, [TokenPurpose.RESET_PASSWORD])
    changes: dict[str, Any] = {
        "password_hash": await hash_password(deps.password_hasher, form.password)}
    if record.email is not None and record.email == user.email:
        changes["email_verified"] = True  # the link proved the mailbox is theirs
    updated = await update_where(User, {"_id": user.id}, {"$set": changes})
    assert updated is not None
    await sessions.revoke_all(deps, user.id)
    return updated


async def change(deps: Deps, actor_id: str, data: Mapping[str, Any],
                 keep_session_id: str | None = None) -> User:
    """Change the password knowing the current one; other sessions are signed out."""
    user = await load_actor(actor_id)
    form = parse(ChangePasswordInput, data)
    if user.password_hash is None or not await verify_password(
            deps.password_hasher, user.password_hash, form.current_password):
        raise ValidationFailed("the current password is wrong",
                               fields={"current_password": "wrong password"})
    check_password(form.password, [user.email or "", user.display_name])
    updated = await update_where(User, {"_id": user.id}, {"$set": {
        "password_hash": await hash_password(deps.password_hasher, form.password)}})
    assert updated is not None
    await sessions.revoke_all(deps, user.id, keep_session_id=keep_session_id)
    if updated.email:
        await try_send(deps, updated, "password_changed",
                       {"link": web_link(deps, "/forgot-password")})
    return updated
