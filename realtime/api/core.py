"""The HTTP API's core: mounting under /api/v1, route tables, request helpers, JSON responses.

How another module adds routes (the escrow routes, the webhooks, ...):

    from realtime.api.core import (ApiRoutes, add_api_routes, current_user_id, deps_of,
                                   json_ok, read_json)
    from domain.views import render
    routes = ApiRoutes(tag="escrow")

    @routes.post("/challenges/{id}/escrow/fund", body=SomeInput, response=FundOut)
    async def fund(request: web.Request) -> web.Response:
        actor_id = await current_user_id(request)          # 401 / 403 (banned) / 429 per user
        data = await read_json(request)                    # 400 malformed JSON, 413 too large
        result = await escrow.fund(deps_of(request), actor_id, request.match_info["id"], data)
        return json_ok(render(FundOut, result), status=201)

    def setup_escrow_api(app: web.Application) -> None:  # one line in realtime/app.py,
        add_api_routes(app, routes)                        # after setup_api(app)

Paths are written without the /api/v1 prefix. Handlers just raise domain errors: the error
middleware turns them into ``{"error": {"code", "message"}}`` with CONTRACT.md's statuses.
``body``/``query``/``response`` are pydantic models; they feed /api/v1/openapi.json (services
still validate the raw dicts).
Pass ``auth="none"`` for unauthenticated routes (e.g. a webhook), ``auth="optional"`` where a
signed-in viewer sees more; ``limit="auth"`` puts a route in the strict per-IP bucket. A webhook
that must verify a signature over the exact bytes uses ``await read_body(request)``.
Also here: ``optional_user`` (None when anonymous), ``parse_query(request, Model)`` (bad ints in
a query string -> 400), ``body_required=False`` for an optional body (``read_json(request,
allow_empty=True)``), ``json_error``. Response models live in realtime/api/schemas.py (``Out``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson
from aiohttp import web
from pydantic import BaseModel

from domain.deps import Deps
from domain.models.users import User
from domain.services import accounts
from domain.services.common import parse
from realtime.api.listing_cache import setup_listing_cache
from realtime.keys import DEPS, SETTINGS

API_PREFIX = "/api/v1"
# Largest request body the API reads; a challenge description (10,000 characters) fits easily.
MAX_BODY_BYTES = 128 * 1024

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
AuthMode = Literal["required", "optional", "none"]


class PayloadTooLarge(Exception):
    """The body exceeded MAX_BODY_BYTES (answered 413)."""


class MalformedJson(Exception):
    """The body is not JSON (answered 400)."""


@dataclass(frozen=True)
class ApiRoute:
    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    auth: AuthMode = "required"
    body: type[BaseModel] | None = None
    body_required: bool = True
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    limit: str = "default"


@dataclass
class ApiRoutes:
    """A module's routes with what OpenAPI needs to describe them."""

    tag: str
    routes: list[ApiRoute] = field(default_factory=list)

    def route(self, method: str, path: str, **meta: Any) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            summary = meta.pop("summary", None) or (handler.__doc__ or handler.__name__).strip()
            self.routes.append(ApiRoute(method=method, path=path, handler=handler,
                                        summary=summary.splitlines()[0], tag=self.tag, **meta))
            return handler
        return register

    def get(self, path: str, **meta: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **meta)

    def post(self, path: str, **meta: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **meta)

    def patch(self, path: str, **meta: Any) -> Callable[[Handler], Handler]:
        return self.route("PATCH", path, **meta)

    def put(self, path: str, **meta: Any) -> Callable[[Handler], Handler]:
        return self.route("PUT", path, **meta)

    def delete(self, path: str, **meta: Any) -> Callable[[Handler], Handler]:
        return self.route("DELETE", path, **meta)


API_ROUTES = web.AppKey("api_routes", list)  # every ApiRoute mounted, for OpenAPI
REQUEST_USER = web.RequestKey("user", User)  # who the bearer token belongs to, once resolved
API_CACHE = web.AppKey("api_cache", dict)  # things built once on first use (the OpenAPI doc)

# handler -> its spec, so middlewares can find a route's auth mode and rate-limit bucket.
ROUTE_SPECS: dict[Handler, ApiRoute] = {}


def add_api_routes(app: web.Application, routes: ApiRoutes) -> None:
    """Mount ``routes`` under /api/v1 of ``app`` (call after ``setup_api(app)``, before start)."""
    for spec in routes.routes:
        app.router.add_route(spec.method, API_PREFIX + spec.path, spec.handler)
        ROUTE_SPECS[spec.handler] = spec
        app[API_ROUTES].append(spec)


def route_spec(request: web.Request) -> ApiRoute | None:
    return ROUTE_SPECS.get(request.match_info.handler)


def is_api_request(request: web.Request) -> bool:
    return request.path.startswith(API_PREFIX + "/")


def setup_api(app: web.Application) -> None:
    """Add the API middlewares (they only touch /api/v1/...) and this issue's routes.

    Routes sit on the main app's router (not a sub-app) so that modules set up later can still
    add theirs: aiohttp freezes a sub-application's router as soon as it is mounted.
    """
    from realtime.api import (
        middlewares,
        openapi,
        routes_account_data,
        routes_account_security,
        routes_accounts,
        routes_admin,
        routes_applications,
        routes_challenges,
        routes_chat,
        routes_moderation,
    )
    from realtime.api.hygiene import setup_hygiene
    from realtime.api.readiness import setup_readiness
    from realtime.outbox_page import setup_outbox_page

    app[API_ROUTES] = []
    app[API_CACHE] = {}
    setup_listing_cache(app, app[DEPS].bus, several_nodes=bool(app[SETTINGS].redis_url))
    app.middlewares.extend(middlewares.API_MIDDLEWARES)
    middlewares.setup_rate_limiter(app)
    setup_hygiene(app)
    setup_readiness(app)
    for module in (routes_accounts, routes_account_security, routes_account_data, routes_admin,
                   routes_challenges, routes_applications, routes_chat, routes_moderation,
                   openapi):
        add_api_routes(app, module.routes)
    setup_outbox_page(app)
    from realtime.api.routes_search import setup_search_api

    setup_search_api(app)


# ---- request helpers ------------------------------------------------------------------------

def deps_of(request: web.Request) -> Deps:
    return request.config_dict[DEPS]


async def read_body(request: web.Request) -> bytes:
    """The raw body, refusing more than MAX_BODY_BYTES even when no Content-Length is sent."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise PayloadTooLarge
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise PayloadTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


async def read_json(request: web.Request, *, allow_empty: bool = False) -> Any:
    """The parsed JSON body; an empty body is ``{}`` when ``allow_empty``."""
    raw = await read_body(request)
    if not raw.strip():
        if allow_empty:
            return {}
        raise MalformedJson("the request body is empty; send a JSON object")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedJson(f"the request body is not valid JSON: {exc}") from None


def parse_query(request: web.Request, model: type[BaseModel]) -> Any:
    """Validate the query string with ``model`` (a bad integer is a 400, not a 500)."""
    return parse(model, dict(request.query))


def bearer_token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return ""  # present but unusable: authenticate() refuses it with 401
    return token.strip()


async def current_user(request: web.Request) -> User:
    """The signed-in user (401 without a valid token, 403 if banned), counted per user."""
    cached = request.get(REQUEST_USER)
    if cached is not None:
        return cached
    user = await accounts.authenticate(bearer_token(request))
    request[REQUEST_USER] = user
    from realtime.api.middlewares import enforce_user_limit

    await enforce_user_limit(request, user.id)
    return user


async def current_user_id(request: web.Request) -> str:
    return (await current_user(request)).id


async def optional_user(request: web.Request) -> User | None:
    """The viewer when a token is sent (a bad token is still a 401); None when anonymous."""
    if request.headers.get("Authorization") is None:
        return None
    return await current_user(request)


def json_ok(data: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(data), status=status, content_type="application/json")


def json_error(status: int, code: str, message: str, *, headers: dict[str, str] | None = None,
               fields: dict[str, Any] | None = None) -> web.Response:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return web.Response(body=orjson.dumps({"error": error}), status=status,
                        content_type="application/json", headers=headers)
