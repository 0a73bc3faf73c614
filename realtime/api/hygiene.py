"""Hygiene for every path the server answers, not just the API's.

- A path with a NUL or another control character, a lone surrogate, or a ``..`` segment names
  nothing we serve: 404 before any handler (or the file lookup of the web client) sees it.
- Every HTML response carries the same security headers (a page may send a stricter CSP of its
  own: it is kept). User content is only ever rendered as text; the CSP stops any script the
  page did not ship from running even if that rule were broken somewhere.
"""

from __future__ import annotations

import re

from aiohttp import web

from realtime.api.core import Handler, is_api_request, json_error

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
        "form-action 'self'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_ODD_PATH = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]|(^|/)\.\.(/|$)")


def odd_path(path: str) -> bool:
    return _ODD_PATH.search(path) is not None


@web.middleware
async def path_hygiene_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if odd_path(request.path):
        if is_api_request(request):
            return json_error(404, "not_found", "no such path")
        return web.Response(status=404, text="404: Not Found")
    return await handler(request)


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """on_response_prepare: runs once the content type is known (files included)."""
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if (response.content_type or "").lower() == "text/html":
        for name, value in SECURITY_HEADERS.items():
            headers.setdefault(name, value)


def setup_hygiene(app: web.Application) -> None:
    app.middlewares.insert(0, path_hygiene_middleware)  # outermost: nothing sees an odd path
    app.on_response_prepare.append(add_security_headers)
