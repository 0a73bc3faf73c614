"""With REDIS_URL: presence and typing are Redis keys with TTLs, workers reach sockets through a
write-only manager, and Redis going away loses no persisted message."""

from __future__ import annotations

import asyncio
from typing import Any

import redis.asyncio as aioredis

from domain.adapters.socket_push import socket_emitter, subscribe_socket_pushes
from domain.services.notifications import notify
from openchance.bootstrap import build_deps
from openchance.settings import Settings
from tests.realtime.conftest import LiveServer, serve
from tests.redis_server import PrivateRedis


async def test_presence_and_typing_are_redis_keys_with_ttls(
        redis_server: LiveServer, redis_url: str) -> None:
    server = redis_server
    alice, bob = await server.person("alice"), await server.person("bob")
    from domain.services.conversations import open_conversation

    conversation = await open_conversation(server.deps, alice.id, {"user_id": bob.id})
    a, b = await server.client(alice), await server.client(bob)
    for client in (a, b):
        await client.call("conversation:join", {"conversation_id": conversation.id})
    redis = aioredis.Redis.from_url(redis_url)
    try:
        presence_key = f"oc:presence:{alice.id}"
        assert await redis.zcard(presence_key) == 1
        assert 0 < await redis.ttl(presence_key) <= 60
        assert await b.call("presence:query", {"user_ids": [alice.id]}) == {
            "ok": True, "online": {alice.id: True}}

        await a.call("typing", {"conversation_id": conversation.id, "is_typing": True})
        typing_key = f"oc:typing:{conversation.id}:{alice.id}"
        assert 0 < await redis.pttl(typing_key) <= 600
        await b.wait_for("typing")
        await b.wait_for("typing", lambda got: len(got) >= 2, timeout=3)
        assert b.received["typing"][-1]["is_typing"] is False
        assert await redis.exists(typing_key) == 0

        await a.close()
        pushed = await b.wait_for("presence", lambda got: any(not p["online"] for p in got))
        assert pushed[-1] == {"user_id": alice.id, "online": False}
        assert await redis.zcount(presence_key, "-inf", "+inf") <= 1  # a lingering entry
    finally:
        await redis.aclose()


async def test_a_worker_reaches_sockets_through_a_write_only_manager(
        redis_server: LiveServer, redis_url: str) -> None:
    server = redis_server
    alice = await server.person("alice")
    a = await server.client(alice)
    # A worker process: its own bus, and Socket.IO only through Redis.
    worker_deps = build_deps(Settings(_env_file=None, redis_url=redis_url))
    subscribe_socket_pushes(worker_deps.bus, socket_emitter(redis_url))
    manager = server.realtime.manager
    delivered_locally = manager.direct_writes + manager.queued_writes
    await notify(worker_deps, alice.id, "test.kind", "from the worker")
    pushed = await a.wait_for("notification")
    assert pushed[0]["notification"]["text"] == "from the worker"
    assert manager.direct_writes + manager.queued_writes > delivered_locally


async def test_redis_going_away_loses_no_persisted_message(storage: Any, deps: Any) -> None:
    private = PrivateRedis()
    try:
        async for server in serve(storage, deps, Settings(_env_file=None,
                                                          redis_url=private.url)):
            await _send_through_an_outage(server, private)
    finally:
        private.stop()


async def _send_through_an_outage(server: LiveServer, private: PrivateRedis) -> None:
    from domain.services.conversations import open_conversation

    alice, bob = await server.person("alice"), await server.person("bob")
    conversation = await open_conversation(server.deps, alice.id, {"user_id": bob.id})
    a, b = await server.client(alice), await server.client(bob)
    for client in (a, b):
        await client.call("conversation:join", {"conversation_id": conversation.id})
    await a.call("message:send", {"conversation_id": conversation.id, "body": "before",
                                  "client_id": "c0"})
    await b.wait_for("message:new")
    await b.close()
    private.stop()
    await asyncio.sleep(0.2)
    for i in range(1, 4):
        ack = await a.call("message:send", {"conversation_id": conversation.id,
                                            "body": f"during {i}", "client_id": f"c{i}"})
        assert ack["ok"] and ack["message"]["seq"] == i + 1
    # Presence needs Redis: a clear error, and the socket stays up.
    ack = await a.call("presence:query", {"user_ids": [bob.id]})
    assert ack == {"ok": False, "error": {"code": "unavailable",
                                          "message": "presence is unavailable; try again shortly"}}
    # Connecting still works; the missed messages replay from the database.
    back = await server.client(bob)
    ack = await back.call("conversation:join", {"conversation_id": conversation.id,
                                                "after_seq": 1})
    assert [m["body"] for m in ack["missed"]] == ["during 1", "during 2", "during 3"]

