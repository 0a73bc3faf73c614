"""The HTTP API as a browser test's other party uses it: someone acting on another device."""

from __future__ import annotations

import json
import uuid
from typing import Any

import aiohttp

from tests.web.ui import PASSWORD


class Api:
    def __init__(self, base: str, token: str, user: dict[str, Any]) -> None:
        self.base = base
        self.token = token
        self.user = user

    async def call(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"}
        async with aiohttp.ClientSession() as session, session.request(
                method, f"{self.base}/api/v1{path}", json=body, headers=headers) as response:
            text = await response.text()
            assert response.status < 400, f"{method} {path}: {response.status} {text}"
            return json.loads(text) if text else None

    def session_json(self) -> str:
        """What the web client keeps in localStorage for a signed-in user."""
        return json.dumps({"token": self.token, "user": self.user})


async def _auth(base: str, path: str, body: dict[str, str]) -> Api:
    async with aiohttp.ClientSession() as session, session.post(
            f"{base}/api/v1{path}", json=body) as response:
        data = await response.json()
        assert response.status in (200, 201), data
    return Api(base, data["token"], data["user"])


async def log_in(base: str, email: str, password: str) -> Api:
    return await _auth(base, "/auth/login", {"email": email, "password": password})


async def sign_up(base: str, name: str) -> Api:
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.org"
    return await _auth(base, "/auth/register",
                       {"email": email, "password": PASSWORD, "display_name": name})
