"""Steps of the payment flows, over the HTTP API."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from tests.api.conftest import API, Member, Members
from tests.conftest import challenge_data


async def call(client: TestClient, method: str, path: str, who: Member | None = None,
               expect: int = 200, **kwargs: Any) -> Any:
    headers = who.auth if who else {}
    resp = await client.request(method, f"{API}{path}", headers=headers, **kwargs)
    body = await resp.json()
    assert resp.status == expect, (resp.status, body)
    return body


async def accepted_challenge(client: TestClient, members: Members,
                             **overrides: Any) -> tuple[Member, Member, str]:
    """A challenger, a solver, and a challenge (30,000 in two milestones) with them accepted."""
    owner, solver = await members.signup("owner"), await members.signup("solver")
    challenge = await call(client, "POST", "/challenges", owner, 201,
                           json=challenge_data(**overrides))
    application = await call(client, "POST", f"/challenges/{challenge['id']}/applications",
                             solver, 201, json={"proposal": "I will do it"})
    await call(client, "POST", f"/applications/{application['id']}/accept", owner)
    return owner, solver, challenge["id"]
