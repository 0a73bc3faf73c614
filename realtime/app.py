"""The realtime node: health, the HTTP API, Socket.IO and the web client on one aiohttp app.

``setup`` mounts them on an application the composition root (openchance/serve.py) made; this
package never imports a bot or a worker."""

from __future__ import annotations

from aiohttp import web

from domain.deps import Deps
from openchance.settings import Settings
from realtime.api.core import setup_api
from realtime.api.payments import setup_payments
from realtime.keys import DEPS, SETTINGS
from realtime.sockets import setup_sockets
from realtime.webclient import setup_webclient


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def setup(app: web.Application, settings: Settings, deps: Deps) -> None:
    app[SETTINGS] = settings
    app[DEPS] = deps
    app.router.add_get("/healthz", healthz)
    setup_api(app)
    setup_payments(app)
    setup_sockets(app)
    setup_webclient(app)
