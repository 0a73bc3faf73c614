"""Serves the built web client (web/dist) at ``/``.

Files that exist in web/dist are sent as they are; any other GET that no route matched and that
is not under a server prefix (API, Socket.IO, webhooks) gets index.html, so the client's own
routes (/challenges/42, /chat/7) survive a reload. This is a middleware that acts only when the
router found nothing, so it never shadows a route, whichever module registered it and when.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

WEB_DIST = web.AppKey("web_dist", Path)
# Installed from a wheel, the client sits in the package (setup.py puts it there); in a source
# checkout (and an editable install) it is web/dist.
PACKAGED_DIST = Path(__file__).resolve().parent / "web_dist"
CHECKOUT_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
DEFAULT_DIST = PACKAGED_DIST if (PACKAGED_DIST / "index.html").is_file() else CHECKOUT_DIST
# Paths the server owns: a miss there is a real 404, never the web client.
SERVER_PREFIXES = ("/api/", "/socket.io/", "/webhooks/", "/slack/", "/healthz")
# Hashed file names: a changed file gets a new name, so these can be cached for good.
IMMUTABLE_PREFIX = "/assets/"

# User content is only ever rendered as text; this stops any script the page did not ship
# from running even if that rule were broken somewhere.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
        "form-action 'self'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-cache",
}
_NOT_BUILT = """<!doctype html><html lang="en"><meta charset="utf-8">
<title>OpenChance: web client not built</title>
<h1>The web client is not built</h1>
<p>Run <code>scripts/build-web</code> (it runs <code>npm ci &amp;&amp; npm run build</code> in
<code>web/</code>), then reload. The API at <a href="/api/v1/openapi.json">/api/v1</a> works
without it.</p></html>"""


def _is_server_path(path: str) -> bool:
    return any(path == prefix.rstrip("/") or path.startswith(prefix) for prefix in SERVER_PREFIXES)


def _file_in(dist: Path, path: str) -> Path | None:
    """The file under ``dist`` that ``path`` names, refusing anything that escapes it."""
    relative = path.lstrip("/")
    if not relative:
        return None
    candidate = (dist / relative).resolve()
    if not candidate.is_relative_to(dist) or not candidate.is_file():
        return None
    return candidate


async def serve_web(request: web.Request) -> web.StreamResponse:
    dist = request.app[WEB_DIST]
    index = dist / "index.html"
    if not index.is_file():
        return web.Response(status=503, text=_NOT_BUILT, content_type="text/html")
    found = _file_in(dist.resolve(), request.path)
    if found is not None:
        if request.path.startswith(IMMUTABLE_PREFIX):
            headers = {"Cache-Control": "public, max-age=31536000, immutable"}
        else:
            headers = {"Cache-Control": "no-cache"}
        return web.FileResponse(found, headers=headers)
    if request.path.startswith(IMMUTABLE_PREFIX):
        raise web.HTTPNotFound()  # a stale asset name: HTML here would only confuse the browser
    return web.FileResponse(index, headers=PAGE_HEADERS)


@web.middleware
async def webclient_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    unmatched = isinstance(request.match_info.http_exception, web.HTTPNotFound)
    if unmatched and request.method in ("GET", "HEAD") and not _is_server_path(request.path):
        return await serve_web(request)
    return await handler(request)


def setup_webclient(app: web.Application, dist: Path | None = None) -> None:
    """Serve the built client from ``dist`` (default: web/dist next to this package)."""
    app[WEB_DIST] = (dist or DEFAULT_DIST).resolve()
    app.middlewares.append(webclient_middleware)
