"""The aiohttp application: health, and (from their own modules) the API, sockets and web client."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from bots.telegram.webhook import setup_telegram
from domain.adapters.event_relay import relayed_events
from domain.bootstrap import build_deps
from domain.deps import Deps
from domain.settings import Settings
from domain.storage import close_storage, open_storage
from realtime.api.core import setup_api
from realtime.api.payments import setup_payments
from realtime.keys import DEPS, SETTINGS, STORAGE
from realtime.sockets import setup_sockets
from realtime.webclient import setup_webclient
from workers.jobs import in_process_jobs


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(settings: Settings, deps: Deps | None = None, *, demo: bool = False,
               storage: object | None = None) -> web.Application:
    """``storage`` lets a caller that already opened the store (tests) share it."""
    app = web.Application()
    app[SETTINGS] = settings
    app[DEPS] = deps or build_deps(settings)
    app.router.add_get("/healthz", healthz)
    setup_api(app)
    setup_payments(app)
    setup_sockets(app)
    setup_telegram(app)  # webhook route, only when TELEGRAM_BOT_TOKEN is set
    setup_webclient(app)

    async def storage_context(app: web.Application) -> AsyncIterator[None]:
        owned = storage is None
        app[STORAGE] = storage if storage is not None else await open_storage(
            settings.mongodb_url, settings.mongodb_database)
        if demo:
            from domain.demo import load_demo

            await load_demo(app[DEPS])
        yield
        if owned:
            await close_storage(app[STORAGE])

    app.cleanup_ctx.append(storage_context)
    app.cleanup_ctx.append(lambda app: in_process_jobs(app[DEPS]))
    if settings.redis_url:  # bots and workers in their own processes hear this node's events
        app.cleanup_ctx.append(lambda app: _relay_events(app, settings.redis_url))
    return app


async def _relay_events(app: web.Application, redis_url: str) -> AsyncIterator[None]:
    async with relayed_events(app[DEPS].bus, redis_url):
        yield
