"""Presence and typing on top of the ephemeral store: turns socket comings and goings and
typing flags into ``presence`` and ``typing`` pushes, with the grace period and expiry timers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from domain.adapters.ephemeral import EphemeralStore, EphemeralUnavailable
from domain.adapters.socket_push import conversation_room, presence_room
from realtime.sockets.options import SocketOptions

log = logging.getLogger(__name__)

RoomEmit = Callable[..., Awaitable[None]]


class LiveState:
    def __init__(self, store: EphemeralStore, emit: RoomEmit, options: SocketOptions,
                 node_id: str) -> None:
        self.store = store
        self._emit = emit
        self._options = options
        self._node_id = node_id
        self._local: dict[str, str] = {}  # sid -> user id, the sockets on this node
        self._typing_timers: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._heartbeat: asyncio.Task[None] | None = None

    def _socket_key(self, sid: str) -> str:
        return f"{self._node_id}:{sid}"

    def _spawn(self, coro: Awaitable[None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _announce(self, user_id: str, online: bool) -> None:
        await self._emit("presence", {"user_id": user_id, "online": online},
                         to=presence_room(user_id))

    async def connected(self, sid: str, user_id: str) -> None:
        self._local[sid] = user_id
        try:
            first = await self.store.add_socket(user_id, self._socket_key(sid))
        except EphemeralUnavailable:
            log.warning("presence store unreachable; %s counted locally only", user_id)
            return
        if first:
            await self._announce(user_id, True)

    async def disconnected(self, sid: str) -> None:
        user_id = self._local.pop(sid, None)
        if user_id is None:
            return
        try:
            last = await self.store.remove_socket(user_id, self._socket_key(sid),
                                                 self._options.presence_grace)
        except EphemeralUnavailable:
            log.warning("presence store unreachable; %s's socket expires by TTL", user_id)
            return
        if last:
            self._spawn(self._offline_after_grace(user_id))

    async def _offline_after_grace(self, user_id: str) -> None:
        # A reload or a network blip reconnects within the grace period: no flicker.
        await asyncio.sleep(self._options.presence_grace + 0.05)
        try:
            online = await self.store.online([user_id])
        except EphemeralUnavailable:
            return
        if not online.get(user_id):
            await self._announce(user_id, False)

    async def online(self, user_ids: list[str]) -> dict[str, bool]:
        return await self.store.online(user_ids)

    async def typing(self, sid: str, conversation_id: str, user_id: str, is_typing: bool) -> None:
        key = (conversation_id, user_id)
        if is_typing:
            was_typing = await self.store.typing_left(conversation_id, user_id) > 0
            await self.store.set_typing(conversation_id, user_id, self._options.typing_ttl)
            if key not in self._typing_timers:
                self._typing_timers[key] = self._spawn(self._expire_typing(key))
            if was_typing:
                return  # a refresh: the others already see it
        else:
            await self.store.clear_typing(conversation_id, user_id)
            timer = self._typing_timers.pop(key, None)
            if timer is not None:
                timer.cancel()
        await self._push_typing(conversation_id, user_id, is_typing, skip_sid=sid)

    async def _push_typing(self, conversation_id: str, user_id: str, is_typing: bool,
                           skip_sid: str | None = None) -> None:
        await self._emit("typing", {"conversation_id": conversation_id, "user_id": user_id,
                                    "is_typing": is_typing},
                         to=conversation_room(conversation_id), skip_sid=skip_sid)

    async def _expire_typing(self, key: tuple[str, str]) -> None:
        conversation_id, user_id = key
        try:
            while True:
                left = await self.store.typing_left(conversation_id, user_id)
                if left <= 0:
                    break
                await asyncio.sleep(left + 0.01)
        except EphemeralUnavailable:
            pass  # Redis is gone: typing state went with it, nothing is left to expire
        finally:
            if self._typing_timers.get(key) is asyncio.current_task():
                del self._typing_timers[key]
        await self._push_typing(conversation_id, user_id, False)

    def start(self) -> None:
        if self._heartbeat is None:
            self._heartbeat = asyncio.ensure_future(self._keep_alive())

    async def _keep_alive(self) -> None:
        # Sockets in the shared store expire unless refreshed, so a dead node's users go
        # offline by themselves; a live node refreshes its own.
        while True:
            await asyncio.sleep(self._options.presence_heartbeat)
            sockets = [(u, self._socket_key(s)) for s, u in self._local.items()]
            if not sockets:
                continue
            try:
                await self.store.refresh(sockets)
            except EphemeralUnavailable:
                log.warning("presence store unreachable; will retry")

    async def stop(self) -> None:
        tasks: list[Any] = [*self._tasks, *([self._heartbeat] if self._heartbeat else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._heartbeat = None
        with contextlib.suppress(*EphemeralUnavailable):
            await self.store.close()
