"""GET /readyz: is this node ready for traffic? (CONTRACT.md: 200 or 503 with
``{"status", "checks": {"mongo", "redis", "search", ...}}``, each ``ok``, ``down`` or
``embedded``.) /healthz stays pure liveness: a node whose Redis is down is alive and still
answers most requests (with local fallbacks), but a load balancer may prefer another node.

Another part adds a check with ``add_ready_check(app, name, probe)``; a probe answers one of
the three words.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Literal

from aiohttp import web

from domain.adapters.readiness import RedisProbe, http_ok, mongo_ok
from realtime.keys import SETTINGS, STORAGE

Check = Literal["ok", "down", "embedded"]
Probe = Callable[[web.Application], Awaitable[Check]]
READY_CHECKS = web.AppKey("ready_checks", dict)


def add_ready_check(app: web.Application, name: str, probe: Probe) -> None:
    app[READY_CHECKS][name] = probe


async def readyz(request: web.Request) -> web.Response:
    app = request.app
    checks: dict[str, Probe] = app[READY_CHECKS]
    results = await asyncio.gather(*(probe(app) for probe in checks.values()))
    answers = dict(zip(checks, results, strict=True))
    ready = all(result != "down" for result in results)
    return web.json_response({"status": "ok" if ready else "unavailable", "checks": answers},
                             status=200 if ready else 503)


async def _mongo(app: web.Application) -> Check:
    if not app[SETTINGS].mongodb_url:
        return "embedded"
    client = app.get(STORAGE)
    return "ok" if client is not None and await mongo_ok(client) else "down"


async def _search(app: web.Application) -> Check:
    url = app[SETTINGS].typesense_url
    if not url:
        return "embedded"
    return "ok" if await http_ok(url) else "down"


def setup_readiness(app: web.Application) -> None:
    app[READY_CHECKS] = {"mongo": _mongo, "redis": _redis_embedded, "search": _search}
    app.router.add_get("/readyz", readyz)
    redis_url = app[SETTINGS].redis_url
    if not redis_url:
        return

    async def probe_context(app: web.Application) -> AsyncIterator[None]:
        probe = RedisProbe(redis_url)

        async def redis(app: web.Application) -> Check:
            return "ok" if await probe.ok() else "down"

        app[READY_CHECKS]["redis"] = redis
        yield
        await probe.close()

    app.cleanup_ctx.append(probe_context)


async def _redis_embedded(app: web.Application) -> Check:
    return "embedded"
