"""Degrading gracefully when Redis is down: a shared store answers while it can, an in-process
one stands in while it cannot, and Redis is tried again after a short pause (so recovery is
automatic and a dead Redis costs one failed attempt per pause, not one per request)."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import redis.asyncio as aioredis
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from redis.retry import Retry

log = logging.getLogger(__name__)
T = TypeVar("T")

# What an unreachable, restarting or overloaded Redis raises.
REDIS_DOWN: tuple[type[BaseException], ...] = (RedisError, OSError, TimeoutError)


def quick_redis(url: str, timeout: float = 0.5, **options: Any) -> aioredis.Redis:
    """A client that fails fast: a request path waits at most ``timeout`` for Redis, with no
    retries of its own (the fallback decides what happens next)."""
    return aioredis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout,
                                   retry=Retry(NoBackoff(), 0), **options)


class Fallback:
    """Routes calls to the primary (Redis) unless it failed less than ``pause`` seconds ago."""

    def __init__(self, name: str, pause: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.pause = pause
        self._clock = clock
        self._retry_at = 0.0
        self.down = False

    async def call(self, primary: Callable[[], Awaitable[T]],
                   fallback: Callable[[], Awaitable[T]]) -> T:
        if self.down and self._clock() < self._retry_at:
            return await fallback()
        try:
            result = await primary()
        except REDIS_DOWN as exc:
            if not self.down:
                log.warning("%s: Redis unreachable (%s); using the in-process fallback",
                            self.name, exc)
            self.down = True
            self._retry_at = self._clock() + self.pause
            return await fallback()
        if self.down:
            log.warning("%s: Redis is back", self.name)
            self.down = False
        return result
