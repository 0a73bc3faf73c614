"""Redis killed and restarted under a node with REDIS_URL: API answers stay non-5xx
throughout (rate limits fall back to this process), /readyz says what is down, messages are
still stored and acknowledged, and once Redis is back fan-out and presence return by
themselves."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

from domain.services.conversations import open_conversation
from openchance.settings import Settings
from tests.conftest import challenge_data
from tests.realtime.conftest import LiveServer, serve
from tests.redis_server import PrivateRedis, redis_server_binary

pytestmark = pytest.mark.skipif(redis_server_binary() is None, reason="needs redis-server")
API = "/api/v1"


async def _traffic(http: aiohttp.ClientSession, server: LiveServer, token: str,
                   statuses: list[int], stop: asyncio.Event) -> None:
    """What a member's browser does, over and over, until ``stop``."""
    auth = {"Authorization": f"Bearer {token}"}
    i = 0
    while not stop.is_set():
        i += 1
        calls: list[tuple[str, str, Any]] = [
            ("GET", "/challenges", None), ("GET", "/me", None),
            ("POST", "/challenges", challenge_data(title=f"During the outage {i}")),
            ("GET", "/conversations", None)]
        for method, path, body in calls:
            async with http.request(method, server.url + API + path, json=body,
                                    headers=auth) as resp:
                statuses.append(resp.status)
        await asyncio.sleep(0.05)


async def _ready(http: aiohttp.ClientSession, server: LiveServer) -> tuple[int, Any]:
    async with http.get(server.url + "/readyz") as resp:
        return resp.status, await resp.json()


async def test_redis_killed_and_restarted(storage: Any, deps: Any) -> None:
    private = PrivateRedis()
    try:
        async for server in serve(storage, deps, Settings(_env_file=None,
                                                          redis_url=private.url)):
            server.realtime.options.presence_heartbeat = 0.5
            private = await _outage(server, private)
    finally:
        private.stop()


async def _outage(server: LiveServer, private: PrivateRedis) -> PrivateRedis:
    alice, bob = await server.person("alice"), await server.person("bob")
    chat = await open_conversation(server.deps, alice.id, {"user_id": bob.id})
    a, b = await server.client(alice), await server.client(bob)
    for client in (a, b):
        assert (await client.call("conversation:join", {"conversation_id": chat.id}))["ok"]

    async def round_trip(body: str, timeout: float = 5) -> None:
        ack = await a.call("message:send", {"conversation_id": chat.id, "body": body,
                                            "client_id": body})
        assert ack["ok"], ack
        await b.wait_for("message:new", lambda got: any(
            m["message"]["body"] == body for m in got), timeout=timeout)

    await round_trip("before")
    statuses: list[int] = []
    stop = asyncio.Event()
    async with aiohttp.ClientSession() as http:
        assert (await _ready(http, server))[1]["checks"]["redis"] == "ok"
        traffic = asyncio.ensure_future(_traffic(http, server, alice.token, statuses, stop))
        await asyncio.sleep(0.3)
        private.stop()
        down_at = time.monotonic()
        await asyncio.sleep(0.5)
        status, body = await _ready(http, server)
        assert status == 503 and body["checks"]["redis"] == "down", body
        assert body["status"] != "ok"
        async with http.get(server.url + "/healthz") as resp:
            assert resp.status == 200  # liveness is not readiness
        ack = await a.call("message:send", {"conversation_id": chat.id, "body": "during",
                                            "client_id": "during"})
        assert ack["ok"] and ack["message"]["body"] == "during"  # stored while Redis is away
        ack = await b.call("presence:query", {"user_ids": [alice.id]})
        assert ack["ok"] is False and ack["error"]["code"] == "unavailable"
        await asyncio.sleep(1.0)
        private = PrivateRedis(port=private.port)  # back, on the same address
        print(f"\nRedis was down {time.monotonic() - down_at:.1f} s")
        await asyncio.sleep(0.5)
        stop.set()
        await traffic

        # Recovery is automatic: fan-out, presence, readiness.
        back_at = time.monotonic()
        deadline = back_at + 15
        while True:
            try:
                await round_trip(f"after {time.monotonic():.3f}", timeout=1)
                break
            except AssertionError:
                if time.monotonic() > deadline:
                    raise
        fan_out_back = time.monotonic() - back_at
        while (await b.call("presence:query", {"user_ids": [alice.id]})) != {
                "ok": True, "online": {alice.id: True}}:
            assert time.monotonic() < deadline, "presence did not come back"
            await asyncio.sleep(0.2)
        presence_back = time.monotonic() - back_at
        assert (await _ready(http, server))[0] == 200
    print(f"fan-out back after {fan_out_back:.1f} s, presence after {presence_back:.1f} s; "
          f"{len(statuses)} API answers during the outage: "
          f"{ {s: statuses.count(s) for s in sorted(set(statuses))} }")
    assert statuses and all(s < 500 for s in statuses), statuses
    return private
