"""Fixtures for the runtime tests: Settings naming a Redis key prefix of their own, so each test
sees a fresh durable log on the session's Redis."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from openchance.settings import Settings


def isolated_settings(redis_url: str | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"redis_url": redis_url, "mongodb_url": None,
                              "password_hash_profile": "cheapest",
                              "redis_prefix": f"test-{uuid.uuid4().hex[:10]}"}
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def prefix_settings(redis_url: str) -> Settings:
    return isolated_settings(redis_url)
