"""Probes of the services a node depends on, for /readyz: each answers quickly, never raises."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from domain.adapters.redis_fallback import quick_redis

PROBE_TIMEOUT = 1.0


async def mongo_ok(client: Any) -> bool:
    try:
        await asyncio.wait_for(client.admin.command("ping"), PROBE_TIMEOUT)
        return True
    except Exception:  # any failure (timeout, refused, auth) means "not ready"
        return False


class RedisProbe:
    """One client kept for the node's lifetime, so a probe is a PING, not a new connection."""

    def __init__(self, url: str) -> None:
        self._redis = quick_redis(url, timeout=PROBE_TIMEOUT)

    async def ok(self) -> bool:
        try:
            return bool(await self._redis.ping())
        except Exception:  # any failure means "not ready"
            return False

    async def close(self) -> None:
        await self._redis.aclose()


async def http_ok(url: str) -> bool:
    """A search engine's health endpoint (Typesense: GET /health -> {"ok": true})."""
    try:
        timeout = aiohttp.ClientTimeout(total=PROBE_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session, \
                session.get(url.rstrip("/") + "/health") as response:
            return response.status == 200
    except Exception:  # any failure means "not ready"
        return False
