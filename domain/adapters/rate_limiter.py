"""Fixed-window request counters: in process (embedded) or shared by every node in Redis.

``hit(key, limit, window)`` counts one request and answers how many seconds to wait when the
key is over its limit in the current window, or None when the request may go ahead.

With Redis down, counting goes on in this process (each node limits on its own, which is
looser but never an error) and switches back by itself when Redis answers again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol

from domain.adapters.redis_fallback import Fallback, quick_redis


class RateLimiter(Protocol):
    async def hit(self, key: str, limit: int, window: int) -> int | None: ...

    async def close(self) -> None: ...


def _retry_after(window_start: float, window: int, now: float) -> int:
    return max(1, math.ceil(window_start + window - now))


class MemoryRateLimiter:
    """Counters in a dict; windows are aligned to the clock so every key resets together."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._counts: dict[str, int] = {}
        self._window_start: dict[int, float] = {}

    async def hit(self, key: str, limit: int, window: int) -> int | None:
        now = self._clock()
        start = now - now % window
        if self._window_start.get(window) != start:
            # A new window: drop the counters of the old one so memory stays bounded.
            self._window_start[window] = start
            suffix = f"|{window}"
            self._counts = {k: v for k, v in self._counts.items() if not k.endswith(suffix)}
        slot = f"{key}|{window}"
        count = self._counts.get(slot, 0) + 1
        self._counts[slot] = count
        return _retry_after(start, window, now) if count > limit else None

    async def close(self) -> None:
        self._counts.clear()


class RedisRateLimiter:
    """INCR on a key per window (with an expiry), so all app nodes share one count; counts in
    this process while Redis is unreachable."""

    def __init__(self, url: str, prefix: str = "openchance:rl") -> None:
        self._redis = quick_redis(url)
        self._prefix = prefix
        self._local = MemoryRateLimiter(clock=time.time)
        self.fallback = Fallback("rate limiter")

    async def hit(self, key: str, limit: int, window: int) -> int | None:
        return await self.fallback.call(lambda: self._shared_hit(key, limit, window),
                                        lambda: self._local.hit(key, limit, window))

    async def _shared_hit(self, key: str, limit: int, window: int) -> int | None:
        now = time.time()
        start = now - now % window
        slot = f"{self._prefix}:{key}:{window}:{int(start)}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(slot)
            pipe.expire(slot, window + 1)
            count, _ = await pipe.execute()
        return _retry_after(start, window, now) if int(count) > limit else None

    async def close(self) -> None:
        await self._local.close()
        await self._redis.aclose()


def build_rate_limiter(redis_url: str | None) -> RateLimiter:
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()
