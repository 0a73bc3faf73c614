"""The API's middlewares, outermost first: access log, CORS, errors, per-IP rate limit.

They sit on the main application and only act on paths under /api/v1."""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import orjson
from aiohttp import web
from pymongo.errors import ConnectionFailure

from domain.adapters.rate_limiter import RateLimiter, build_rate_limiter
from domain.adapters.redis_fallback import REDIS_DOWN
from domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    GatewayFailed,
    MailFailed,
    NotFound,
    TooManyAttempts,
    Unauthorized,
    Unavailable,
    ValidationFailed,
)
from realtime.api.core import (
    REQUEST_USER,
    Handler,
    MalformedJson,
    PayloadTooLarge,
    is_api_request,
    json_error,
    route_spec,
)
from realtime.keys import SETTINGS

log = logging.getLogger("openchance.api")
access_log = logging.getLogger("openchance.access")


@dataclass(frozen=True)
class RateLimits:
    """Requests allowed per window. ``auth_per_ip`` guards register/login against guessing."""

    window_seconds: int = 60
    per_ip: int = 1200
    per_user: int = 600
    auth_per_ip: int = 20


API_LIMITS = web.AppKey("api_limits", RateLimits)  # set on the main app; tests may replace it
RATE_LIMITER = web.AppKey("rate_limiter", RateLimiter)


Middleware = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]


def api_only(*chain: Middleware) -> Middleware:
    """The API's middlewares (outermost first) as one middleware on the main app: other paths
    (sockets, the web client) pass by it. One for all, because a request that passes by keeps
    a suspended frame in each middleware for as long as it lasts, and a socket's request lasts
    as long as the socket."""
    @web.middleware
    async def api_middlewares(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not is_api_request(request):
            return await handler(request)
        for middleware in reversed(chain):
            handler = functools.partial(middleware, handler=handler)
        return await handler(request)
    return api_middlewares


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


_STATUS_BY_ERROR: tuple[tuple[type[DomainError], int], ...] = (
    (ValidationFailed, 400), (Unauthorized, 401), (Forbidden, 403), (NotFound, 404),
    (Conflict, 409), (GatewayFailed, 502), (TooManyAttempts, 429), (MailFailed, 502),
    (Unavailable, 503),
)
UNAVAILABLE_MESSAGE = "a service this request needs is unavailable; try again shortly"
DEPENDENCY_DOWN = (*REDIS_DOWN, ConnectionFailure)
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def _domain_status(exc: DomainError) -> int:
    return next((status for kind, status in _STATUS_BY_ERROR if isinstance(exc, kind)), 400)


async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except DomainError as exc:
        status = _domain_status(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 429 or "retry_after" in exc.details:
            headers = {"Retry-After": str(exc.details.get("retry_after", 60))}
        if isinstance(exc, GatewayFailed):
            log.warning("payment provider failed in %s %s: %s", request.method, request.path,
                        exc.details.get("provider_error"))
        return json_error(status, exc.code, exc.message, headers=headers,
                          fields=exc.details.get("fields") if status == 400 else None)
    except MalformedJson as exc:
        return json_error(400, "malformed_json", str(exc))
    except (PayloadTooLarge, web.HTTPRequestEntityTooLarge):
        return json_error(413, "payload_too_large", "the request body is too large")
    except RateLimited as exc:
        return json_error(429, "rate_limited", "too many requests; slow down",
                          headers={"Retry-After": str(exc.retry_after)})
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = _HTTP_CODES.get(exc.status, "http_error")
        allow = exc.headers.get("Allow")  # 405 says which methods the path has
        return json_error(exc.status, code, exc.reason, headers={"Allow": allow} if allow else None)
    except asyncio.CancelledError:
        raise
    except DEPENDENCY_DOWN as exc:
        # A dependency is unreachable (Redis, a search engine, the database): not our bug,
        # and the same request may work in a moment.
        log.warning("dependency unavailable in %s %s: %r", request.method, request.path, exc)
        return json_error(503, "unavailable", UNAVAILABLE_MESSAGE, headers={"Retry-After": "2"})
    except Exception:
        log.exception("unhandled error in %s %s", request.method, request.path)
        return json_error(500, "internal_error", "something went wrong on our side")


CORS_ALLOWED_HEADERS = "Authorization, Content-Type"
CORS_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"


async def cors_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Any origin may call the API: it authenticates with bearer tokens, never cookies, so a
    foreign page gains nothing it could not do with its own token (no credentials allowed)."""
    origin = request.headers.get("Origin")
    if (request.method == "OPTIONS" and origin
            and "Access-Control-Request-Method" in request.headers):
        return web.Response(status=204, headers={
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Methods": CORS_METHODS,
            "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS,
            "Access-Control-Max-Age": "600",
        })
    response = await handler(request)
    if origin:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    return response


async def access_log_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    started = time.perf_counter()
    response = await handler(request)
    if access_log.isEnabledFor(logging.INFO):
        user = request.get(REQUEST_USER)
        # One JSON object per line, so log shippers can index the fields.
        access_log.info(orjson.dumps({
            "method": request.method, "path": request.path, "status": response.status,
            "duration_ms": round((time.perf_counter() - started) * 1000, 2),
            "ip": request.remote, "user_id": user.id if user is not None else None}).decode())
    return response


async def _limit(request: web.Request, key: str, limit: int) -> None:
    limits = request.config_dict[API_LIMITS]
    retry_after = await request.config_dict[RATE_LIMITER].hit(key, limit, limits.window_seconds)
    if retry_after is not None:
        raise RateLimited(retry_after)


async def ip_limit_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    limits = request.config_dict[API_LIMITS]
    ip = request.remote or "unknown"
    await _limit(request, f"ip:{ip}", limits.per_ip)
    spec = route_spec(request)
    if spec is not None and spec.limit == "auth":
        await _limit(request, f"auth:{ip}", limits.auth_per_ip)
    return await handler(request)


async def enforce_user_limit(request: web.Request, user_id: str) -> None:
    await _limit(request, f"user:{user_id}", request.config_dict[API_LIMITS].per_user)


API_MIDDLEWARES = [api_only(access_log_middleware, cors_middleware, error_middleware,
                           ip_limit_middleware)]


def setup_rate_limiter(app: web.Application) -> None:
    """Counters in Redis when REDIS_URL is set (shared by all nodes), else in this process."""
    app[API_LIMITS] = RateLimits()

    async def limiter_context(app: web.Application) -> AsyncIterator[None]:
        if RATE_LIMITER in app:  # a caller (a test) supplied its own and closes it
            yield
            return
        limiter = build_rate_limiter(app[SETTINGS].redis_url)
        app[RATE_LIMITER] = limiter
        yield
        await limiter.close()

    app.cleanup_ctx.append(limiter_context)
