"""An API client over real HTTP (pytest-aiohttp) on the shared store, and signed-in users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from domain.deps import Deps
from domain.models.users import Role
from openchance.serve import create_app
from openchance.settings import Settings
from realtime.api.middlewares import RateLimits
from tests.conftest import Users, challenge_data

API = "/api/v1"
PASSWORD = "correct horse battery"
# High enough that only the rate-limit tests (which lower them) ever see a 429.
RELAXED_LIMITS = RateLimits(per_ip=100_000, per_user=100_000, auth_per_ip=100_000)


@dataclass
class Member:
    id: str
    token: str
    email: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_app(deps: Deps, storage: Any, limits: RateLimits = RELAXED_LIMITS,
             **settings: Any) -> web.Application:
    from realtime.api.middlewares import API_LIMITS

    app = create_app(Settings(_env_file=None, redis_url=None, **settings), deps=deps,
                     storage=storage)
    app[API_LIMITS] = limits
    return app


@pytest.fixture
async def client(aiohttp_client: Any, deps: Deps, storage: Any) -> TestClient:
    return await aiohttp_client(make_app(deps, storage))


class Members:
    """Signs people up over HTTP (or makes moderators in the store and logs them in)."""

    def __init__(self, client: TestClient, users: Users) -> None:
        self.client = client
        self.users = users

    async def signup(self, name: str) -> Member:
        email = f"{name}-{uuid.uuid4().hex[:6]}@example.org"
        resp = await self.client.post(f"{API}/auth/register", json={
            "email": email, "password": PASSWORD, "display_name": name})
        assert resp.status == 201, await resp.text()
        body = await resp.json()
        return Member(id=body["user"]["id"], token=body["token"], email=email)

    async def with_role(self, name: str, role: Role) -> Member:
        user = await self.users.make(name, role)
        assert user.email is not None
        resp = await self.client.post(f"{API}/auth/login",
                                      json={"email": user.email, "password": PASSWORD})
        assert resp.status == 200, await resp.text()
        return Member(id=user.id, token=(await resp.json())["token"], email=user.email)


@pytest.fixture
def members(client: TestClient, users: Users) -> Members:
    return Members(client, users)


async def post_challenge(client: TestClient, owner: Member, **overrides: Any) -> dict[str, Any]:
    resp = await client.post(f"{API}/challenges", json=challenge_data(**overrides),
                             headers=owner.auth)
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def apply(client: TestClient, solver: Member, challenge_id: str) -> dict[str, Any]:
    resp = await client.post(f"{API}/challenges/{challenge_id}/applications",
                             json={"proposal": "I have done this before."}, headers=solver.auth)
    assert resp.status == 201, await resp.text()
    return await resp.json()


async def error_of(resp: Any, status: int) -> dict[str, Any]:
    """Asserts ``resp`` is an error with ``status`` in the contract's shape; returns its body."""
    assert resp.status == status, await resp.text()
    body = await resp.json()
    assert set(body) == {"error"} and isinstance(body["error"]["code"], str)
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]
