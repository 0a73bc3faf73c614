"""Client -> server events of CONTRACT.md: each parses its payload, calls the domain, renders an
ack ``{ok: true, ...}`` or ``{ok: false, error: {code, message}}``. A bad payload gets an error
ack and the connection stays up."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import socketio
from pymongo.errors import ConnectionFailure

from domain.adapters.ephemeral import EphemeralUnavailable
from domain.adapters.socket_push import (
    challenge_room,
    conversation_room,
    presence_room,
    user_room,
)
from domain.deps import Deps
from domain.errors import DomainError, ValidationFailed
from domain.services import accounts, conversations, presence
from domain.services.challenges import get_challenge
from domain.services.common import load_actor
from domain.views import render_conversation, render_message
from realtime.sockets.live import LiveState
from realtime.sockets.options import SocketOptions, TokenBucket

log = logging.getLogger(__name__)

Ack = dict[str, Any]
MAX_CONNECT_BUCKETS = 20_000
REFUSED_GRACE = 1.0  # seconds a refused client has to read why before its transport closes


@dataclass(slots=True)
class Session:
    """What a socket carries: who it is (and with which token), its own rate limit and the
    one its user shares across sockets, and the rooms it joined (each kind bounded)."""

    user_id: str
    bucket: TokenBucket
    user_bucket: TokenBucket
    token_hash: str = ""
    watched: set[str] = field(default_factory=set)
    presence: set[str] = field(default_factory=set)
    conversations: set[str] = field(default_factory=set)
    bad_packets: int = 0

    def take(self) -> bool:
        """One event's worth of both budgets (the socket's, then its user's)."""
        return self.bucket.take() and self.user_bucket.take()


def error_ack(code: str, message: str) -> Ack:
    return {"ok": False, "error": {"code": code, "message": message}}


def _fields(payload: Mapping[str, Any], required: set[str], optional: frozenset[str] = frozenset()
            ) -> None:
    """Refuse missing and unknown keys, so a typo is an error rather than silently ignored."""
    missing = required - payload.keys()
    unknown = payload.keys() - required - optional
    if missing or unknown:
        parts = ([f"missing {', '.join(sorted(missing))}"] if missing else []) + (
            [f"unknown {', '.join(sorted(map(str, unknown)))}"] if unknown else [])
        raise ValidationFailed("invalid payload: " + "; ".join(parts))


# What a connected socket's environ keeps (see _let_go_of_the_handshake; the request is
# still needed to open its WebSocket, and is let go of once that is taken over).
_KEPT_ENVIRON = ("REMOTE_ADDR", "REQUEST_METHOD", "PATH_INFO", "QUERY_STRING",
                 "aiohttp.request")


def _let_go_of_the_handshake(environ: dict[str, Any]) -> None:
    """Engine.IO and Socket.IO keep the handshake's environ (a key per header) for as long as
    the socket lives; nothing here reads it after connecting, and at tens of thousands of
    idle sockets its table is a kilobyte each. Cleared in place: they hold the same dict."""
    kept = {key: environ[key] for key in _KEPT_ENVIRON if key in environ}
    environ.clear()
    environ.update(kept)


class SocketEvents:
    def __init__(self, sio: socketio.AsyncServer, deps: Deps, live: LiveState,
                 options: SocketOptions) -> None:
        self.sio, self.deps, self.live, self.options = sio, deps, live, options
        self.sessions: dict[str, Session] = {}
        # user id -> their sockets on this node, and the event budget those sockets share
        self.user_sids: dict[str, set[str]] = {}
        self._user_buckets: dict[str, TokenBucket] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # token fingerprint -> (its user, how many sockets here use it)
        self._tokens: dict[str, tuple[str, int]] = {}
        self._connect_buckets: dict[str, TokenBucket] = {}  # token fingerprint -> its budget
        # One sender at a time per conversation on this node, so message:new leaves in seq order.
        # The lock and how many senders hold or await it (dropped with the last one).
        self._send_locks: dict[str, tuple[asyncio.Lock, int]] = {}
        sio.on("connect", self.connect)
        sio.on("disconnect", self.disconnect)
        sio.on("*", self.unknown_event)
        for name, handler in {
            "conversation:open": self.conversation_open,
            "conversation:join": self.conversation_join,
            "message:send": self.message_send,
            "typing": self.typing,
            "message:read": self.message_read,
            "presence:query": self.presence_query,
            "challenge:watch": self.challenge_watch,
        }.items():
            sio.on(name, self._guarded(handler))

    async def connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        try:
            await self._connect(sid, auth)
            _let_go_of_the_handshake(environ)
        except socketio.exceptions.ConnectionRefusedError:
            # The refusal reaches the client; a client that then keeps its transport open
            # anyway (no well-behaved one does) loses it.
            eio_sid = self.sio.manager.eio_sid_from_sid(sid, "/")
            if eio_sid is not None:
                self._spawn(self._close_transport(eio_sid, after=REFUSED_GRACE))
            raise

    async def _connect(self, sid: str, auth: Any) -> None:
        token = auth.get("token") if isinstance(auth, dict) else None
        if isinstance(token, str):
            # Refused before touching the database, so a flood of connections stays cheap.
            fingerprint = accounts.token_fingerprint(token)
            if not self._connect_bucket(fingerprint).take():
                raise socketio.exceptions.ConnectionRefusedError(
                    "connecting too often; wait a moment", {"code": "rate_limited"})
            if self._token_at_cap(fingerprint):
                raise socketio.exceptions.ConnectionRefusedError(
                    f"at most {self.options.max_sockets_per_user} connections per user; "
                    "close one", {"code": "too_many_connections"})
        try:
            user = await accounts.authenticate(token)
        except DomainError as exc:
            raise socketio.exceptions.ConnectionRefusedError(
                exc.message, {"code": exc.code}) from None
        mine = self.user_sids.setdefault(user.id, set())
        if len(mine) >= self.options.max_sockets_per_user:
            if not mine:
                self.user_sids.pop(user.id, None)
            raise socketio.exceptions.ConnectionRefusedError(
                f"at most {self.options.max_sockets_per_user} connections per user; close one",
                {"code": "too_many_connections"})
        mine.add(sid)
        user_bucket = self._user_buckets.get(user.id)
        if user_bucket is None:
            user_bucket = self._user_buckets[user.id] = TokenBucket(
                self.options.user_events_per_second, self.options.user_event_burst)
        token_hash = accounts.token_fingerprint(token)
        self.sessions[sid] = Session(
            user.id, TokenBucket(self.options.events_per_second, self.options.event_burst),
            user_bucket, token_hash=token_hash)
        self._tokens[token_hash] = (user.id, self._tokens.get(token_hash, ("", 0))[1] + 1)
        await self.sio.enter_room(sid, user_room(user.id))
        await self.live.connected(sid, user.id)

    async def disconnect(self, sid: str, reason: Any = None) -> None:
        session = self.sessions.pop(sid, None)
        if session is not None:
            user_id, count = self._tokens.pop(session.token_hash, ("", 1))
            if count > 1:
                self._tokens[session.token_hash] = (user_id, count - 1)
            mine = self.user_sids.get(session.user_id)
            if mine is not None:
                mine.discard(sid)
                if not mine:  # the user's last socket here: forget their shared budget
                    del self.user_sids[session.user_id]
                    self._user_buckets.pop(session.user_id, None)
        await self.live.disconnected(sid)

    def _connect_bucket(self, token_hash: str) -> TokenBucket:
        bucket = self._connect_buckets.get(token_hash)
        if bucket is None:
            if len(self._connect_buckets) >= MAX_CONNECT_BUCKETS:
                self._connect_buckets.clear()  # bounded memory; full buckets for everyone
            bucket = self._connect_buckets[token_hash] = TokenBucket(
                self.options.connects_per_second, self.options.connect_burst)
        return bucket

    def _token_at_cap(self, token_hash: str) -> bool:
        entry = self._tokens.get(token_hash)
        return entry is not None and len(self.user_sids.get(entry[0], ())) >= (
            self.options.max_sockets_per_user)

    # ---- ending sockets -------------------------------------------------------------------

    async def kick(self, user_id: str, token_hashes: tuple[str, ...] = ()) -> int:
        """Disconnect this node's sockets of ``user_id`` (only those signed in with one of
        ``token_hashes``, when given); how many."""
        sids = [sid for sid in self.user_sids.get(user_id, ())
                if sid in self.sessions and (
                    not token_hashes or self.sessions[sid].token_hash in token_hashes)]
        for sid in sids:
            await self.end(sid)
        return len(sids)

    async def end(self, sid: str) -> None:
        """Disconnect ``sid`` and close its transport: a kicked client that ignores the
        disconnect packet keeps nothing open."""
        eio_sid = self.sio.manager.eio_sid_from_sid(sid, "/")
        await self.sio.disconnect(sid)
        if eio_sid is not None:
            await self._close_transport(eio_sid)

    async def _close_transport(self, eio_sid: str, after: float = 0.0) -> None:
        if after:
            await asyncio.sleep(after)
        socket = self.sio.eio.sockets.get(eio_sid)
        if socket is None:
            return
        await self.sio.eio.disconnect(eio_sid)
        # Engine.IO's writer would wait for the client to hang up (up to the ping timeout);
        # an empty item ends it now, and it closes the WebSocket.
        queue = getattr(socket, "queue", None)
        if queue is not None:
            queue.put_nowait(None)

    async def bad_packet(self, eio_sid: str, exc: Exception) -> None:
        """A frame that does not parse: counted, logged once per socket, closed past a bound."""
        sid = self.sio.manager.sid_from_eio_sid(eio_sid, "/")
        session = self.sessions.get(sid) if sid else None
        if session is None:  # not even connected to the namespace: nothing to keep open
            log.debug("closing an unconnected socket that sent an unparsable frame")
            self._spawn(self.sio.eio.disconnect(eio_sid))
            return
        session.bad_packets += 1
        session.take()
        if session.bad_packets == 1:
            log.warning("socket of user %s sent an unparsable frame (%s: %s); further ones "
                        "are counted, not logged", session.user_id, type(exc).__name__,
                        str(exc)[:120])
        if session.bad_packets > self.options.max_bad_packets:
            log.warning("closing the socket of user %s after %d unparsable frames",
                        session.user_id, session.bad_packets)
            self._spawn(self.end(sid))

    def _spawn(self, coro: Awaitable[Any]) -> None:
        # Not awaited inline: the frame being handled belongs to the socket being closed.
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def unknown_event(self, event: str, sid: str, *args: Any) -> Ack:
        session = self.sessions.get(sid)
        if session is not None and not session.take():
            return error_ack("rate_limited", "too many events; slow down")
        return error_ack("unknown_event", f"no such event: {str(event)[:64]}")

    def _guarded(self, handler: Callable[[Session, str, dict[str, Any]], Awaitable[Ack | None]]
                 ) -> Callable[..., Awaitable[Ack]]:
        async def guarded(sid: str, *args: Any) -> Ack:
            session = self.sessions.get(sid)
            if session is None:
                return error_ack("unauthorized", "connect with a valid token first")
            if not session.take():
                return error_ack("rate_limited", "too many events; slow down")
            if len(args) != 1 or not isinstance(args[0], dict):
                return error_ack("validation_error", "the payload must be one JSON object")
            try:
                result = await handler(session, sid, args[0])
            except DomainError as exc:
                return error_ack(exc.code, exc.message)
            except EphemeralUnavailable:
                return error_ack("unavailable", "presence is unavailable; try again shortly")
            except (ConnectionFailure, OSError, TimeoutError):
                log.warning("socket event %s: a dependency is unreachable", handler.__name__)
                return error_ack("unavailable", "the service is briefly unavailable; retry")
            except Exception:
                log.exception("socket event failed")
                return error_ack("internal_error", "something went wrong on our side")
            return {"ok": True, **(result or {})}
        return guarded

    async def conversation_open(self, session: Session, sid: str, payload: dict[str, Any]) -> Ack:
        conversation = await conversations.open_conversation(self.deps, session.user_id, payload)
        return {"conversation": render_conversation(conversation, session.user_id)}

    async def conversation_join(self, session: Session, sid: str, payload: dict[str, Any]) -> Ack:
        _fields(payload, {"conversation_id"}, frozenset({"after_seq"}))
        after_seq = payload.get("after_seq", 0)
        conversation = await conversations.member_conversation(session.user_id,
                                                               payload["conversation_id"])
        # Join before reading history: a message sent meanwhile arrives live or in the replay
        # (the client drops a seq it already has), never in neither.
        room = conversation_room(conversation.id)
        if (conversation.id not in session.conversations
                and len(session.conversations) >= self.options.max_joined_conversations):
            raise ValidationFailed(f"a socket joins at most "
                                   f"{self.options.max_joined_conversations} conversations")
        session.conversations.add(conversation.id)
        await self.sio.enter_room(sid, room)
        try:
            missed, has_more = await self._replay(session.user_id, conversation.id, after_seq)
        except DomainError:
            session.conversations.discard(conversation.id)
            await self.sio.leave_room(sid, room)
            raise
        for other in conversation.participant_ids:
            if other != session.user_id:
                await self._follow_presence(session, sid, other)
        return {"missed": [render_message(m) for m in missed], "has_more": has_more}

    async def _replay(self, user_id: str, conversation_id: str, after_seq: Any
                      ) -> tuple[list[Any], bool]:
        missed: list[Any] = []
        page_size = conversations.MAX_HISTORY_PAGE
        while len(missed) < self.options.max_missed:
            page = await conversations.history(user_id, conversation_id, after_seq, page_size)
            missed.extend(page)
            if len(page) < page_size:
                return missed, False
            after_seq = page[-1].seq
        return missed, True

    async def message_send(self, session: Session, sid: str, payload: dict[str, Any]) -> Ack:
        key = payload.get("conversation_id")
        lock_key = key if isinstance(key, str) and 0 < len(key) <= 64 else ""
        lock, users = self._send_locks.get(lock_key) or (asyncio.Lock(), 0)
        self._send_locks[lock_key] = (lock, users + 1)
        try:
            async with lock:
                message = await conversations.send_message(self.deps, session.user_id, payload)
        finally:
            lock, users = self._send_locks[lock_key]
            if users == 1:  # the last sender holding or awaiting it
                del self._send_locks[lock_key]
            else:
                self._send_locks[lock_key] = (lock, users - 1)
        return {"message": render_message(message)}

    async def typing(self, session: Session, sid: str, payload: dict[str, Any]) -> None:
        _fields(payload, {"conversation_id", "is_typing"})
        if not isinstance(payload["is_typing"], bool):
            raise ValidationFailed("is_typing must be true or false")
        conversation = await conversations.member_conversation(session.user_id,
                                                               payload["conversation_id"])
        await self.live.typing(sid, conversation.id, session.user_id, payload["is_typing"])

    async def message_read(self, session: Session, sid: str, payload: dict[str, Any]) -> Ack:
        _fields(payload, {"conversation_id", "seq"})
        seq = await conversations.mark_read(self.deps, session.user_id,
                                            payload["conversation_id"], payload["seq"])
        conversation_id = payload["conversation_id"]
        await self.sio.emit("read", {"conversation_id": conversation_id,
                                     "user_id": session.user_id, "seq": seq},
                            to=conversation_room(conversation_id))
        return {"seq": seq}

    async def presence_query(self, session: Session, sid: str, payload: dict[str, Any]) -> Ack:
        _fields(payload, {"user_ids"})
        user_ids = payload["user_ids"]
        if not isinstance(user_ids, list) or not 1 <= len(user_ids) <= presence.MAX_QUERY:
            raise ValidationFailed(f"user_ids must be a list of 1 to {presence.MAX_QUERY} "
                                   "user ids")
        # Only people this user shares a conversation with are answered (and followed).
        ids = await presence.visible_users(session.user_id, user_ids)
        online = await self.live.online(ids) if ids else {}
        for user_id in ids:
            await self._follow_presence(session, sid, user_id)
        return {"online": online}

    async def _follow_presence(self, session: Session, sid: str, user_id: str) -> None:
        """Later ``presence`` pushes for ``user_id`` reach this socket (within a cap)."""
        if user_id in session.presence or (
                len(session.presence) >= self.options.max_presence_subscriptions):
            return
        session.presence.add(user_id)
        await self.sio.enter_room(sid, presence_room(user_id))

    async def challenge_watch(self, session: Session, sid: str, payload: dict[str, Any]) -> None:
        _fields(payload, {"challenge_id"})
        viewer = await load_actor(session.user_id)
        challenge = await get_challenge(payload["challenge_id"], viewer)
        if challenge.id in session.watched:
            return
        if len(session.watched) >= self.options.max_watched_challenges:
            raise ValidationFailed(f"a socket watches at most "
                                   f"{self.options.max_watched_challenges} challenges")
        session.watched.add(challenge.id)
        await self.sio.enter_room(sid, challenge_room(challenge.id))
