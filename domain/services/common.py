"""Helpers every service uses: input parsing, loading actors, conditional updates."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from beanie import Document, UpdateResponse
from pydantic import BaseModel, ValidationError

from domain.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from domain.models.users import Platform, User

M = TypeVar("M", bound=BaseModel)
D = TypeVar("D", bound=Document)


def parse(model: type[M], data: Mapping[str, Any] | M) -> M:
    """Validate untrusted input into ``model``; a failure is a ValidationFailed naming fields."""
    if isinstance(data, model):
        return data
    if not isinstance(data, Mapping):
        raise ValidationFailed("expected an object", fields={})
    try:
        return model.model_validate(dict(data))
    except ValidationError as exc:
        fields = {".".join(str(p) for p in err["loc"]) or "body": err["msg"]
                  for err in exc.errors()}
        summary = "; ".join(f"{k}: {v}" for k, v in fields.items())
        raise ValidationFailed(f"invalid input: {summary}", fields=fields) from None


def require_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 64:
        raise ValidationFailed(f"{what} must be a non-empty id string")
    return value


async def load_actor(actor_id: Any) -> User:
    """The user acting; unknown ids are unauthenticated and banned users may do nothing."""
    if not isinstance(actor_id, str) or not actor_id:
        raise Unauthorized("sign in first")
    user = await User.get(actor_id)
    if user is None or user.deleted_at is not None:
        raise Unauthorized("unknown user")
    if user.banned:
        raise Forbidden("this account is banned", reason=user.ban_reason)
    return user


# What load_actor's checks read, as stored.
_STANDING = {"deleted_at": 1, "banned": 1, "ban_reason": 1}


async def actor_fields(actor_id: Any, *fields: str) -> dict[str, Any]:
    """``load_actor``'s checks on a projection, for paths that run per message: the stored
    ``fields`` asked for (raw, as the store holds them) without reading and validating the
    whole user."""
    if not isinstance(actor_id, str) or not actor_id:
        raise Unauthorized("sign in first")
    projection = {**_STANDING, **dict.fromkeys(fields, 1)}
    found: dict[str, Any] | None = await User.get_pymongo_collection().find_one(
        {"_id": actor_id}, projection)
    if found is None or found.get("deleted_at") is not None:
        raise Unauthorized("unknown user")
    if found.get("banned"):
        raise Forbidden("this account is banned", reason=found.get("ban_reason"))
    return found


async def require_moderator(actor_id: Any) -> User:
    actor = await load_actor(actor_id)
    if actor.has_moderator_role and not actor.is_moderator:
        raise Forbidden("moderators must turn on two-factor authentication first",
                        reason="two_factor_setup_required")
    if not actor.is_moderator:
        raise Forbidden("moderators only")
    return actor


async def get_or_404(model: type[D], doc_id: Any, what: str) -> D:
    if not isinstance(doc_id, str) or not doc_id or len(doc_id) > 64:
        raise NotFound(f"{what} not found")
    doc = await model.get(doc_id)
    if doc is None:
        raise NotFound(f"{what} not found")
    return doc


async def update_where(model: type[D], condition: Mapping[str, Any],
                       update: Mapping[str, Any]) -> D | None:
    """One atomic conditional update; the new document, or None if the condition did not hold."""
    updated: D | None = await model.find_one(dict(condition)).update(
        dict(update), response_type=UpdateResponse.NEW_DOCUMENT)  # type: ignore[assignment]
    return updated


def parse_platform(value: Any) -> Platform:
    try:
        return Platform(value)
    except ValueError:
        raise ValidationFailed(f"platform must be one of {[p.value for p in Platform]}") from None
