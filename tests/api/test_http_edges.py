"""What every route shares: auth (401/403 banned), malformed JSON, 413, 429, CORS, 500, logs."""

from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from domain.adapters.rate_limiter import RedisRateLimiter
from domain.models.users import Role
from realtime.api import (
    routes_accounts,
    routes_applications,
    routes_challenges,
    routes_chat,
    routes_moderation,
)
from realtime.api.core import MAX_BODY_BYTES, ApiRoute, ApiRoutes, add_api_routes
from realtime.api.middlewares import RATE_LIMITER, RateLimits
from tests.api.conftest import API, Members, error_of, make_app

OUR_ROUTES: list[ApiRoute] = [spec for module in (
    routes_accounts, routes_applications, routes_challenges, routes_chat, routes_moderation)
    for spec in module.routes.routes]


def url_of(spec: ApiRoute) -> str:
    return API + re.sub(r"{\w+}", "000000000000000000000000", spec.path)


def name(spec: ApiRoute) -> str:
    return f"{spec.method} {spec.path}"


@pytest.mark.parametrize("spec", [s for s in OUR_ROUTES if s.auth == "required"], ids=name)
async def test_every_private_route_needs_a_token(client: TestClient, spec: ApiRoute) -> None:
    resp = await client.request(spec.method, url_of(spec), json={})
    assert (await error_of(resp, 401))["code"] == "unauthorized"


async def test_a_banned_user_is_refused_everywhere(client: TestClient, members: Members) -> None:
    bob = await members.signup("bob")
    mod = await members.with_role("mod", Role.MODERATOR)
    assert (await client.post(f"{API}/mod/users/{bob.id}/ban", headers=mod.auth)).status == 200
    for spec in OUR_ROUTES:
        if spec.auth != "none":
            resp = await client.request(spec.method, url_of(spec), json={}, headers=bob.auth)
            assert (await error_of(resp, 403))["code"] == "forbidden", name(spec)


async def test_malformed_and_oversize_bodies(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")
    for spec in OUR_ROUTES:
        if spec.body is None:
            continue
        resp = await client.request(spec.method, url_of(spec), data=b'{"title": ',
                                    headers={**ada.auth, "Content-Type": "application/json"})
        assert (await error_of(resp, 400))["code"] == "malformed_json", name(spec)
        resp = await client.request(spec.method, url_of(spec), headers=ada.auth,
                                    data=b"x" * (MAX_BODY_BYTES + 1))
        assert (await error_of(resp, 413))["code"] == "payload_too_large", name(spec)


async def test_oversize_chunked_body_without_length(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")

    async def chunks() -> Any:
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b" " * 1024

    resp = await client.post(f"{API}/challenges", data=chunks(), headers=ada.auth)
    await error_of(resp, 413)


async def test_unknown_route_and_method(client: TestClient) -> None:
    assert (await error_of(await client.get(f"{API}/nothing-here"), 404))["code"] == "not_found"
    resp = await client.put(f"{API}/challenges")
    assert (await error_of(resp, 405))["code"] == "method_not_allowed"
    assert "GET" in resp.headers["Allow"]


async def test_unexpected_errors_are_a_generic_500_and_logged(
        aiohttp_client: Any, deps: Any, storage: Any, caplog: pytest.LogCaptureFixture) -> None:
    app = make_app(deps, storage)
    broken = ApiRoutes(tag="test")

    @broken.get("/boom", auth="none")
    async def boom(request: web.Request) -> web.Response:
        raise RuntimeError("secret internals")

    add_api_routes(app, broken)
    client = await aiohttp_client(app)
    with caplog.at_level(logging.ERROR, logger="openchance.api"):
        error = await error_of(await client.get(f"{API}/boom"), 500)
    assert error["code"] == "internal_error" and "secret" not in error["message"]
    assert any("GET /api/v1/boom" in r.getMessage() for r in caplog.records)


async def test_cors(client: TestClient, members: Members) -> None:
    origin = {"Origin": "http://localhost:5173"}
    resp = await client.options(f"{API}/challenges", headers={
        **origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert resp.status == 204
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in resp.headers["Access-Control-Allow-Headers"]
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]
    ok = await client.get(f"{API}/challenges", headers=origin)
    assert ok.headers["Access-Control-Allow-Origin"] == "*"
    denied = await client.get(f"{API}/me", headers=origin)
    assert denied.status == 401 and denied.headers["Access-Control-Allow-Origin"] == "*"


async def test_access_log_is_one_json_object_per_request(
        client: TestClient, members: Members, caplog: pytest.LogCaptureFixture) -> None:
    ada = await members.signup("ada")
    with caplog.at_level(logging.INFO, logger="openchance.access"):
        await client.get(f"{API}/me", headers=ada.auth)
    entries = [json.loads(r.getMessage()) for r in caplog.records
               if r.name == "openchance.access"]
    assert entries[-1]["path"] == "/api/v1/me" and entries[-1]["status"] == 200
    assert entries[-1]["user_id"] == ada.id and entries[-1]["duration_ms"] >= 0


async def test_rate_limit_per_ip(aiohttp_client: Any, deps: Any, storage: Any) -> None:
    client = await aiohttp_client(make_app(deps, storage, RateLimits(per_ip=3)))
    for _ in range(3):
        assert (await client.get(f"{API}/challenges")).status == 200
    resp = await client.get(f"{API}/challenges")
    assert (await error_of(resp, 429))["code"] == "rate_limited"
    assert 1 <= int(resp.headers["Retry-After"]) <= 60


async def test_rate_limit_per_user_and_for_login(aiohttp_client: Any, deps: Any,
                                                 storage: Any, users: Any) -> None:
    client = await aiohttp_client(make_app(deps, storage, RateLimits(per_user=2, auth_per_ip=3)))
    members = Members(client, users)
    ada, bob = await members.signup("ada"), await members.signup("bob")
    for _ in range(2):
        assert (await client.get(f"{API}/me", headers=ada.auth)).status == 200
    resp = await client.get(f"{API}/me", headers=ada.auth)
    await error_of(resp, 429)
    assert int(resp.headers["Retry-After"]) >= 1
    assert (await client.get(f"{API}/me", headers=bob.auth)).status == 200
    login = {"email": ada.email, "password": "wrong"}
    assert (await client.post(f"{API}/auth/login", json=login)).status == 401
    await error_of(await client.post(f"{API}/auth/login", json=login), 429)
    assert (await client.get(f"{API}/challenges")).status == 200  # only the auth bucket is full


async def test_rate_limit_in_redis(aiohttp_client: Any, deps: Any, storage: Any,
                                  redis_url: str) -> None:
    app = make_app(deps, storage, RateLimits(per_ip=2))
    limiter = RedisRateLimiter(redis_url, prefix=f"test:{uuid.uuid4().hex}")
    app[RATE_LIMITER] = limiter
    client = await aiohttp_client(app)
    assert (await client.get(f"{API}/challenges")).status == 200
    assert (await client.get(f"{API}/challenges")).status == 200
    resp = await client.get(f"{API}/challenges")
    await error_of(resp, 429)
    assert int(resp.headers["Retry-After"]) >= 1
    await limiter.close()


async def test_redis_url_setting_selects_the_shared_limiter(aiohttp_client: Any, deps: Any,
                                                           storage: Any, redis_url: str) -> None:
    app = make_app(deps, storage)
    from openchance.settings import Settings
    from realtime.keys import SETTINGS

    app[SETTINGS] = Settings(_env_file=None, redis_url=redis_url)
    client = await aiohttp_client(app)
    assert (await client.get(f"{API}/challenges")).status == 200
    assert isinstance(app[RATE_LIMITER], RedisRateLimiter)
