"""Which channels each kind of notification goes to, per user: sensible defaults, the user's
own choices on top, and one-click unsubscribe from mails."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from domain.errors import ValidationFailed
from domain.models.account_tokens import TokenPurpose
from domain.models.alerts import Channel, NotificationPreferences
from domain.models.common import utcnow
from domain.services import account_tokens
from domain.services.account_inputs import TokenInput
from domain.services.common import load_actor, parse

MESSAGE = "message"  # a chat message; every other kind is a notification kind
KINDS: tuple[str, ...] = (
    MESSAGE,
    "application.received", "application.accepted", "application.rejected",
    "application.withdrawn",
    "escrow.funded", "escrow.released", "escrow.refunded", "escrow.disputed", "escrow.resolved",
    "milestone.submitted", "review.received",
    "deadline.reminder", "challenge.expired",
)
CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel)
# Mailing these would be noise: the inbox and the chat platforms still carry them.
_NOT_MAILED_BY_DEFAULT = frozenset({"application.withdrawn", "review.received"})


def default(kind: str, channel: str) -> bool:
    return not (channel == Channel.EMAIL and kind in _NOT_MAILED_BY_DEFAULT)


def _matrix(choices: Mapping[str, Mapping[str, bool]]) -> dict[str, dict[str, bool]]:
    return {kind: {channel: bool(choices.get(kind, {}).get(channel, default(kind, channel)))
                   for channel in CHANNELS} for kind in KINDS}


# Kinds are dotted ("escrow.funded"), and a dot in a MongoDB update path means nesting: stored
# under keys with the dots swapped for this, and swapped back when read.
_DOT = "__"


def _key(kind: str) -> str:
    return kind.replace(".", _DOT)


async def _stored(user_id: str) -> dict[str, dict[str, bool]]:
    prefs = await NotificationPreferences.get(user_id)
    return {key.replace(_DOT, "."): on for key, on in prefs.choices.items()} if prefs else {}


async def preferences(actor_id: str) -> dict[str, dict[str, bool]]:
    actor = await load_actor(actor_id)
    return _matrix(await _stored(actor.id))


def _validated(data: Any) -> dict[str, dict[str, bool]]:
    if not isinstance(data, Mapping) or not data:
        raise ValidationFailed("send {kind: {channel: true|false}}", fields={"body": "empty"})
    fields: dict[str, str] = {}
    clean: dict[str, dict[str, bool]] = {}
    for kind, channels in data.items():
        if kind not in KINDS:
            fields[str(kind)[:60]] = f"unknown kind; one of {', '.join(KINDS)}"
            continue
        if not isinstance(channels, Mapping):
            fields[kind] = "must be an object {channel: true|false}"
            continue
        for channel, on in channels.items():
            if channel not in CHANNELS or not isinstance(on, bool):
                fields[f"{kind}.{str(channel)[:20]}"] = (
                    f"channels are {', '.join(CHANNELS)}, each true or false")
                continue
            clean.setdefault(kind, {})[channel] = on
    if fields:
        raise ValidationFailed("invalid preferences: " + "; ".join(
            f"{k}: {v}" for k, v in fields.items()), fields=fields)
    return clean


async def set_choices(user_id: str, changes: Mapping[str, Mapping[str, bool]]) -> None:
    """Merge ``changes`` into the stored choices with one update (others stay)."""
    update = {f"choices.{_key(kind)}.{channel}": on
              for kind, channels in changes.items() for channel, on in channels.items()}
    collection = NotificationPreferences.get_pymongo_collection()
    await collection.update_one({"_id": user_id},
                                {"$set": {**update, "updated_at": utcnow()}}, upsert=True)


async def update_preferences(actor_id: str, data: Any) -> dict[str, dict[str, bool]]:
    actor = await load_actor(actor_id)
    await set_choices(actor.id, _validated(data))
    return _matrix(await _stored(actor.id))


async def wants(user_id: str, kind: str, channel: Channel | str) -> bool:
    """Whether ``user_id`` wants ``kind`` on ``channel`` (what every delivery asks first)."""
    return bool((await _stored(user_id)).get(kind, {}).get(str(channel),
                                                          default(kind, str(channel))))


async def unsubscribe_link_token(user_id: str, kinds: Iterable[str]) -> str:
    return await account_tokens.issue(TokenPurpose.UNSUBSCRIBE, user_id, kinds=kinds)


async def unsubscribe(data: Any) -> list[str]:
    """Stop mails of the kinds the link was for (all kinds if it names none); a link may be
    clicked again and again. ``data`` is ``{token}``. Returns the kinds now off."""
    form = parse(TokenInput, data)
    record = await account_tokens.find_live(form.token, [TokenPurpose.UNSUBSCRIBE])
    kinds = [k for k in record.kinds if k in KINDS] or list(KINDS)
    await set_choices(record.user_id, {kind: {Channel.EMAIL.value: False} for kind in kinds})
    return kinds
