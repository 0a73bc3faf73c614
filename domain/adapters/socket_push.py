"""Domain events become Socket.IO pushes (CONTRACT.md, server -> client).

One translation serves every process: a realtime node passes its own server's ``emit`` (rooms
span nodes through its Redis manager); a worker or bot process passes the ``emit`` of a
write-only Redis manager (``socket_emitter``) and never imports ``realtime/``. Events are only
published in the process where the state changed, so each push is emitted exactly once.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from domain.errors import NotFound
from domain.events import (
    ChallengeUpdated,
    EscrowChanged,
    EventBus,
    MessageSent,
    NotificationCreated,
)
from domain.models.challenges import Challenge
from domain.models.chat import Message
from domain.models.escrow import Escrow
from domain.services import notification_preferences
from domain.services.notifications import notification_for
from domain.services.validated_cache import RenderedCache
from domain.views import (
    render_challenge,
    render_escrow,
    render_message,
    render_notification,
)

log = logging.getLogger(__name__)

# The pub/sub channel every node and write-only emitter shares.
SOCKET_CHANNEL = "openchance-socketio"

_PUSHED_CHALLENGES: RenderedCache[Challenge, dict[str, Any]] = RenderedCache(
    Challenge, render_challenge)

Emit = Callable[[str, dict[str, Any], str | list[str]], Awaitable[None]]


def user_room(user_id: str) -> str:
    return f"user:{user_id}"


def conversation_room(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


def challenge_room(challenge_id: str) -> str:
    return f"challenge:{challenge_id}"


def presence_room(user_id: str) -> str:
    return f"presence:{user_id}"


class SocketPushes:
    """Bus handlers; ``closed`` lets a stopped server's handlers go quiet (the bus keeps them)."""

    def __init__(self, emit: Emit) -> None:
        self.emit = emit
        self.closed = False

    async def message_sent(self, event: MessageSent) -> None:
        rendered = event.message
        if rendered is None:  # an event from a sender that did not carry the message
            message = await Message.get(event.message_id)
            rendered = render_message(message) if message is not None else None
        if rendered is not None and not self.closed:
            await self.emit("message:new", {"message": rendered},
                            conversation_room(event.conversation_id))

    async def notification_created(self, event: NotificationCreated) -> None:
        try:
            notification = await notification_for(event.user_id, event.notification_id)
        except NotFound:
            return
        # Always pushed (the inbox stays live); ``alert`` says whether the person wants it
        # shown as a toast: the ``web`` channel of their notification preferences.
        alert = await notification_preferences.wants(event.user_id, notification.kind, "web")
        if not self.closed:
            await self.emit("notification", {"notification": render_notification(notification),
                                             "alert": alert}, user_room(event.user_id))

    async def challenge_updated(self, event: ChallengeUpdated) -> None:
        # Read as stored every time (never stale); validated and rendered again only when
        # the stored form changed since the last push of this challenge.
        raw = await Challenge.get_pymongo_collection().find_one({"_id": event.challenge_id})
        if raw is None or self.closed:
            return
        challenge, rendered = _PUSHED_CHALLENGES.load(raw)
        # Watchers, plus the two people it concerns even when they are not watching.
        rooms = [challenge_room(challenge.id)] + [
            user_room(u) for u in (challenge.owner_id, challenge.solver_id) if u]
        await self.emit("challenge:updated", {"challenge": rendered}, rooms)

    async def escrow_changed(self, event: EscrowChanged) -> None:
        escrow = await Escrow.get(event.escrow_id)
        if escrow is not None and event.participant_ids and not self.closed:
            await self.emit("escrow:updated", {"escrow": render_escrow(escrow)},
                            [user_room(u) for u in event.participant_ids])


def subscribe_socket_pushes(bus: EventBus, emit: Emit) -> SocketPushes:
    pushes = SocketPushes(emit)
    bus.subscribe(MessageSent, pushes.message_sent)
    bus.subscribe(NotificationCreated, pushes.notification_created)
    bus.subscribe(ChallengeUpdated, pushes.challenge_updated)
    bus.subscribe(EscrowChanged, pushes.escrow_changed)
    return pushes


def socket_emitter(redis_url: str) -> Emit:
    """An ``emit`` for processes without sockets: publishes to every realtime node via Redis."""
    import socketio

    manager = socketio.AsyncRedisManager(redis_url, channel=SOCKET_CHANNEL, write_only=True)

    async def emit(event: str, data: dict[str, Any], room: str | list[str]) -> None:
        await manager.emit(event, data, namespace="/", room=room)

    return emit
