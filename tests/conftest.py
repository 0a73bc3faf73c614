"""Shared fixtures: a fresh store per test (in memory, or a throw-away database on the real
MongoDB named by MONGODB_URL), and the domain's collaborators with an offline gateway."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from domain.adapters.offline_gateway import OfflineGateway
from domain.deps import Deps
from domain.models.users import Role, User
from domain.services import accounts
from domain.services.common import update_where
from domain.storage import close_storage, open_storage
from openchance.bootstrap import build_deps
from openchance.settings import Settings
from tests.redis_server import PrivateRedis, redis_server_binary


@pytest.fixture
async def storage() -> AsyncIterator[Any]:
    url = os.environ.get("MONGODB_URL")
    name = f"openchance_test_{uuid.uuid4().hex[:12]}"
    client = await open_storage(url, name)
    yield client
    if url:
        await client.drop_database(name)
    await close_storage(client)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """The Redis that REDIS_URL names, else a private redis-server for this test session."""
    if os.environ.get("REDIS_URL"):
        yield os.environ["REDIS_URL"]
        return
    if redis_server_binary() is None:
        pytest.skip("no REDIS_URL and no redis-server binary (scripts/setup --test installs it)")
    private = PrivateRedis()
    try:
        yield private.url
    finally:
        private.stop()


@pytest.fixture
def gateway() -> OfflineGateway:
    return OfflineGateway()


@pytest.fixture
def deps(storage: Any, gateway: OfflineGateway) -> Deps:
    deps = build_deps(Settings(password_hash_profile="cheapest"), gateway=gateway)
    deps.bus.keep_history = True
    return deps


class Users:
    """Makes registered users for a test: ``await users.make("alice")``."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    async def make(self, name: str, role: Role = Role.MEMBER) -> User:
        _, user = await accounts.register(self.deps, {
            "email": f"{name}-{uuid.uuid4().hex[:6]}@example.org",
            "password": "correct horse battery", "display_name": name})
        if role != Role.MEMBER:
            user = await update_where(User, {"_id": user.id}, {"$set": {"role": role}})
        assert user is not None
        return user


@pytest.fixture
def users(deps: Deps) -> Users:
    return Users(deps)


def challenge_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Make the importer fast", "description": "1M rows in under 5 s.",
        "category": "Engineering", "tags": ["python", "perf"], "difficulty": "hard",
        "reward": {"amount": 30_000, "currency": "usd"},
        "milestones": [{"title": "Plan", "amount": 10_000}, {"title": "Ship", "amount": 20_000}],
    }
    data.update(overrides)
    return data
