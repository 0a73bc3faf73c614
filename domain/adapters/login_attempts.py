"""Where failed sign-ins are counted: in process (embedded), or in Redis so every node sees the
same count (with the in-process store standing in while Redis is unreachable)."""

from __future__ import annotations

import time

from domain.adapters.redis_fallback import Fallback, quick_redis
from domain.ports import LoginAttempts

# Past this many accounts with recent failures, the oldest are forgotten first (memory bound).
MAX_TRACKED = 50_000


class MemoryLoginAttempts:
    def __init__(self) -> None:
        # key -> (failures, forget at, locked until), in insertion order for eviction
        self._entries: dict[str, tuple[int, float, float]] = {}

    def _get(self, key: str) -> tuple[int, float, float]:
        entry = self._entries.get(key)
        if entry is None or entry[1] <= time.time():
            self._entries.pop(key, None)
            return 0, 0.0, 0.0
        return entry

    async def state(self, key: str) -> tuple[int, float]:
        count, _, locked_until = self._get(key)
        return count, max(0.0, locked_until - time.time())

    async def failed(self, key: str, remember: int) -> int:
        count, _, locked_until = self._get(key)
        self._entries.pop(key, None)
        if len(self._entries) >= MAX_TRACKED:
            self._entries.pop(next(iter(self._entries)))
        self._entries[key] = (count + 1, time.time() + remember, locked_until)
        return count + 1

    async def lock(self, key: str, seconds: float) -> None:
        count, forget_at, _ = self._get(key)
        self._entries[key] = (count, max(forget_at, time.time() + seconds),
                              time.time() + seconds)

    async def clear(self, key: str) -> None:
        self._entries.pop(key, None)


class RedisLoginAttempts:
    def __init__(self, url: str, prefix: str = "openchance:login") -> None:
        self._redis = quick_redis(url)
        self._prefix = prefix
        self._local = MemoryLoginAttempts()
        self.fallback = Fallback("login throttle")

    def _keys(self, key: str) -> tuple[str, str]:
        return f"{self._prefix}:fails:{key}", f"{self._prefix}:lock:{key}"

    async def state(self, key: str) -> tuple[int, float]:
        async def shared() -> tuple[int, float]:
            fails, lock = self._keys(key)
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.get(fails)
                pipe.pttl(lock)
                count, left_ms = await pipe.execute()
            return int(count or 0), max(0.0, int(left_ms) / 1000)
        return await self.fallback.call(shared, lambda: self._local.state(key))

    async def failed(self, key: str, remember: int) -> int:
        async def shared() -> int:
            fails, _ = self._keys(key)
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(fails)
                pipe.expire(fails, remember)
                count, _ = await pipe.execute()
            return int(count)
        return await self.fallback.call(shared, lambda: self._local.failed(key, remember))

    async def lock(self, key: str, seconds: float) -> None:
        async def shared() -> None:
            await self._redis.set(self._keys(key)[1], b"1", px=max(1, int(seconds * 1000)))
        await self.fallback.call(shared, lambda: self._local.lock(key, seconds))

    async def clear(self, key: str) -> None:
        async def shared() -> None:
            await self._redis.delete(*self._keys(key))
        await self.fallback.call(shared, lambda: self._local.clear(key))
        await self._local.clear(key)

    async def close(self) -> None:
        await self._redis.aclose()


def build_login_attempts(redis_url: str | None) -> LoginAttempts:
    return RedisLoginAttempts(redis_url) if redis_url else MemoryLoginAttempts()
