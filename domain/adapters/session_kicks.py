"""Telling every realtime node to drop the sockets of revoked sessions or banned users.

A logout or a ban is handled by one node (or a bot, or a worker); the user's sockets may be on
any node. The node that hears the domain event publishes a kick; every node listening drops
its matching sockets. In process when embedded; over Redis pub/sub with REDIS_URL. A kick lost
to a Redis outage is caught by the sockets' periodic re-check (realtime/sockets/kicks.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

import orjson
import redis.asyncio as aioredis

from domain.adapters.redis_fallback import REDIS_DOWN, quick_redis
from domain.events import EventBus, SessionsRevoked, UserBanned

log = logging.getLogger(__name__)
CHANNEL = "openchance-session-kicks"

# (user id, token fingerprints; empty = every session of the user)
Kick = Callable[[str, tuple[str, ...]], Awaitable[None]]


class LocalKicks:
    def __init__(self) -> None:
        self._listeners: list[Kick] = []

    async def publish(self, user_id: str, token_hashes: tuple[str, ...]) -> None:
        for listener in list(self._listeners):
            await listener(user_id, token_hashes)

    def listen(self, listener: Kick) -> None:
        self._listeners.append(listener)

    async def close(self) -> None:
        self._listeners.clear()


class RedisKicks:
    def __init__(self, url: str) -> None:
        self._url = url
        self._publisher = quick_redis(url)
        self._tasks: list[asyncio.Task[None]] = []

    async def publish(self, user_id: str, token_hashes: tuple[str, ...]) -> None:
        payload = orjson.dumps({"user_id": user_id, "token_hashes": list(token_hashes)})
        await self._publisher.publish(CHANNEL, payload)

    def listen(self, listener: Kick) -> None:
        self._tasks.append(asyncio.ensure_future(self._listen(listener)))

    async def _listen(self, listener: Kick) -> None:
        while True:
            client = aioredis.Redis.from_url(self._url, socket_connect_timeout=1.0)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            await self._deliver(listener, message["data"])
            except REDIS_DOWN as exc:
                log.warning("session kicks: listening failed (%s); retrying", exc)
            finally:
                with contextlib.suppress(*REDIS_DOWN):
                    await client.aclose()
            await asyncio.sleep(1)

    @staticmethod
    async def _deliver(listener: Kick, raw: bytes) -> None:
        try:
            data = orjson.loads(raw)
            user_id, hashes = str(data["user_id"]), tuple(str(h) for h in data["token_hashes"])
        except (orjson.JSONDecodeError, KeyError, TypeError):
            log.warning("session kicks: ignored a message that does not parse")
            return
        await listener(user_id, hashes)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._publisher.aclose()


def open_kicks(redis_url: str | None) -> LocalKicks | RedisKicks:
    return RedisKicks(redis_url) if redis_url else LocalKicks()


def kick_on_revocation(bus: EventBus, kicks: LocalKicks | RedisKicks) -> None:
    """For a process without sockets (a bot, a worker) with REDIS_URL: its bans and session
    revocations reach every realtime node at once (the nodes' re-check is the backstop)."""
    async def banned(event: UserBanned) -> None:
        if event.banned:
            await _publish_quietly(kicks, event.user_id, ())

    async def revoked(event: SessionsRevoked) -> None:
        await _publish_quietly(kicks, event.user_id, tuple(event.token_hashes))

    bus.subscribe(UserBanned, banned)
    bus.subscribe(SessionsRevoked, revoked)


async def _publish_quietly(kicks: LocalKicks | RedisKicks, user_id: str,
                           token_hashes: tuple[str, ...]) -> None:
    try:
        await kicks.publish(user_id, token_hashes)
    except REDIS_DOWN as exc:
        log.warning("session kick for %s not broadcast (%s)", user_id, exc)
