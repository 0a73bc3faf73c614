"""Who is a moderator or an admin: changed by an admin (HTTP, web page) or by the operator
at the console (``openchance admin grant|revoke ROLE EMAIL``); every change is audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.models.users import Role, User
from domain.services.account_inputs import RoleInput
from domain.services.common import get_or_404, load_actor, parse, update_where
from domain.services.inputs import Email
from domain.services.moderation_log import audit

CONSOLE = "console"  # the audit log's actor for changes made with the command line


async def _set(user: User, role: Role, actor_id: str) -> User:
    if user.deleted_at is not None:
        raise NotFound("user not found")
    updated = await update_where(User, {"_id": user.id}, {"$set": {"role": role}})
    assert updated is not None
    await audit(actor_id, "user.role", "user", user.id,
                {"role": role.value, "previous": user.role.value})
    return updated


async def set_role(actor_id: str, user_id: str, data: Mapping[str, Any]) -> User:
    """An admin gives ``user_id`` a role (member, moderator or admin)."""
    admin = await load_actor(actor_id)
    if admin.role != Role.ADMIN:
        raise Forbidden("only admins change roles")
    form = parse(RoleInput, data)
    target = await get_or_404(User, user_id, "user")
    if target.id == admin.id and form.role != Role.ADMIN:
        raise Forbidden("an admin cannot demote themselves; ask another admin")
    return await _set(target, form.role, admin.id)


def _email(value: str) -> str:
    from pydantic import TypeAdapter, ValidationError

    try:
        return TypeAdapter(Email).validate_python(value)
    except ValidationError:
        raise ValidationFailed(f"{value!r} is not an email address") from None


async def grant(role: str, email: str) -> User:
    """The console grants ``role`` to the account with ``email``."""
    try:
        wanted = Role(role)
    except ValueError:
        raise ValidationFailed("role must be moderator or admin") from None
    if wanted == Role.MEMBER:
        raise ValidationFailed("grant moderator or admin; use revoke to take a role away")
    user = await User.find_one({"email": _email(email)})
    if user is None:
        raise NotFound(f"no account uses {email}")
    if user.role == wanted:
        raise Conflict(f"{email} is already {wanted}")
    return await _set(user, wanted, CONSOLE)


async def revoke(role: str, email: str) -> User:
    """The console takes ``role`` away: the account becomes a member."""
    user = await User.find_one({"email": _email(email)})
    if user is None:
        raise NotFound(f"no account uses {email}")
    if user.role != role:
        raise Conflict(f"{email} is {user.role}, not {role}")
    return await _set(user, Role.MEMBER, CONSOLE)


async def find_by_email(actor_id: str, email: str) -> User:
    admin = await load_actor(actor_id)
    if admin.role != Role.ADMIN:
        raise Forbidden("only admins look accounts up by email")
    user = await User.find_one({"email": _email(email)})
    if user is None:
        raise NotFound("no account uses this email")
    return user
