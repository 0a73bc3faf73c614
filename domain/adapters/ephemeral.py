"""Presence and typing: ephemeral state, never history. In process (embedded) or in Redis with
TTLs, so every realtime node sees the same answer and a crashed node's sockets expire by
themselves.

Presence counts a user's sockets across tabs and nodes; typing is one key per (conversation,
user) that lives a few seconds unless refreshed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from typing import Protocol

from redis.exceptions import RedisError

from domain.adapters.redis_fallback import quick_redis

# What the realtime layer catches when the shared store is unreachable.
EphemeralUnavailable: tuple[type[BaseException], ...] = (RedisError, OSError)


class EphemeralStore(Protocol):
    async def add_socket(self, user_id: str, socket_key: str) -> bool:
        """Count a socket; True when it is the user's first live one."""

    async def remove_socket(self, user_id: str, socket_key: str, linger: float) -> bool:
        """The socket closed: it keeps the user online ``linger`` more seconds (the grace
        period), then is gone. True when the user has no other live socket."""

    async def refresh(self, sockets: Iterable[tuple[str, str]]) -> None:
        """Keep this node's sockets alive (they expire if the node dies)."""

    async def online(self, user_ids: Iterable[str]) -> dict[str, bool]: ...

    async def set_typing(self, conversation_id: str, user_id: str, ttl: float) -> None: ...

    async def clear_typing(self, conversation_id: str, user_id: str) -> None: ...

    async def typing_left(self, conversation_id: str, user_id: str) -> float:
        """Seconds until the typing flag expires; 0 when it is gone."""

    async def close(self) -> None: ...


class MemoryEphemeralStore:
    def __init__(self) -> None:
        # user -> socket -> when it stops counting (infinity while connected)
        self._sockets: dict[str, dict[str, float]] = {}
        self._typing: dict[tuple[str, str], float] = {}

    def _live(self, user_id: str, after: float) -> int:
        sockets = self._sockets.get(user_id, {})
        for key in [k for k, until in sockets.items() if until <= time.monotonic()]:
            del sockets[key]
        if not sockets:
            self._sockets.pop(user_id, None)
        return sum(1 for until in sockets.values() if until > after)

    async def add_socket(self, user_id: str, socket_key: str) -> bool:
        # Counting lingering sockets too: a reconnect within the grace period is no news.
        before = self._live(user_id, time.monotonic())
        self._sockets.setdefault(user_id, {})[socket_key] = math.inf
        return before == 0

    async def remove_socket(self, user_id: str, socket_key: str, linger: float) -> bool:
        sockets = self._sockets.get(user_id, {})
        if socket_key in sockets:
            sockets[socket_key] = time.monotonic() + linger
        return self._live(user_id, time.monotonic() + linger) == 0

    async def refresh(self, sockets: Iterable[tuple[str, str]]) -> None:
        return None

    async def online(self, user_ids: Iterable[str]) -> dict[str, bool]:
        now = time.monotonic()
        return {u: self._live(u, now) > 0 for u in user_ids}

    async def set_typing(self, conversation_id: str, user_id: str, ttl: float) -> None:
        self._typing[(conversation_id, user_id)] = time.monotonic() + ttl

    async def clear_typing(self, conversation_id: str, user_id: str) -> None:
        self._typing.pop((conversation_id, user_id), None)

    async def typing_left(self, conversation_id: str, user_id: str) -> float:
        left = self._typing.get((conversation_id, user_id), 0.0) - time.monotonic()
        if left <= 0:
            self._typing.pop((conversation_id, user_id), None)
            return 0.0
        return left

    async def close(self) -> None:
        self._sockets.clear()
        self._typing.clear()


class RedisEphemeralStore:
    """A sorted set per user: member = socket, score = when it expires unless refreshed."""

    def __init__(self, url: str, socket_ttl: float = 30.0, prefix: str = "oc") -> None:
        # Fails fast while Redis is away: presence answers "unavailable" at once, and the
        # heartbeat's ``refresh`` re-adds this node's sockets when it is back.
        self._redis = quick_redis(url)
        self._ttl = socket_ttl
        self._prefix = prefix

    def _presence_key(self, user_id: str) -> str:
        return f"{self._prefix}:presence:{user_id}"

    def _typing_key(self, conversation_id: str, user_id: str) -> str:
        return f"{self._prefix}:typing:{conversation_id}:{user_id}"

    async def add_socket(self, user_id: str, socket_key: str) -> bool:
        key, now = self._presence_key(user_id), time.time()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", now)
            pipe.zadd(key, {socket_key: now + self._ttl})
            pipe.zcard(key)
            pipe.expire(key, int(self._ttl * 2))
            _, _, count, _ = await pipe.execute()
        # Counting lingering sockets too: a reconnect within the grace period is no news.
        return int(count) == 1

    async def remove_socket(self, user_id: str, socket_key: str, linger: float) -> bool:
        key, now = self._presence_key(user_id), time.time()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {socket_key: now + linger}, xx=True)
            pipe.zremrangebyscore(key, "-inf", now)
            # Connected sockets expire at now + ttl, well after the grace period ends.
            pipe.zcount(key, f"({now + linger}", "+inf")
            _, _, count = await pipe.execute()
        return int(count) == 0

    async def refresh(self, sockets: Iterable[tuple[str, str]]) -> None:
        expires = time.time() + self._ttl
        async with self._redis.pipeline(transaction=False) as pipe:
            for user_id, socket_key in sockets:
                pipe.zadd(self._presence_key(user_id), {socket_key: expires})
                pipe.expire(self._presence_key(user_id), int(self._ttl * 2))
            await pipe.execute()

    async def online(self, user_ids: Iterable[str]) -> dict[str, bool]:
        ids, now = list(user_ids), time.time()
        async with self._redis.pipeline(transaction=False) as pipe:
            for user_id in ids:
                pipe.zcount(self._presence_key(user_id), now, "+inf")
            counts = await pipe.execute()
        return {u: int(c) > 0 for u, c in zip(ids, counts, strict=True)}

    async def set_typing(self, conversation_id: str, user_id: str, ttl: float) -> None:
        await self._redis.set(self._typing_key(conversation_id, user_id), b"1",
                              px=max(1, int(ttl * 1000)))

    async def clear_typing(self, conversation_id: str, user_id: str) -> None:
        await self._redis.delete(self._typing_key(conversation_id, user_id))

    async def typing_left(self, conversation_id: str, user_id: str) -> float:
        left_ms = await self._redis.pttl(self._typing_key(conversation_id, user_id))
        return max(0.0, left_ms / 1000) if left_ms and left_ms > 0 else 0.0

    async def close(self) -> None:
        await self._redis.aclose()


def open_ephemeral_store(redis_url: str | None) -> EphemeralStore:
    return RedisEphemeralStore(redis_url) if redis_url else MemoryEphemeralStore()
