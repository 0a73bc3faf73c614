"""Two server processes sharing one real Redis: a message sent on node A reaches a client on
node B, and presence is the same on both.

The message is persisted by node A (its store) and fanned out through Redis; node B delivers
it without reading any database. Presence lives in Redis, so both nodes answer alike.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.realtime.conftest import LiveClient
from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]


async def _wait_healthy(url: str, process: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as session:
        # Generous: a node's start (imports, Beanie) takes seconds on a loaded machine.
        for _ in range(2400):
            if process.returncode is not None:
                raise RuntimeError(f"node exited with {process.returncode}")
            try:
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError(f"node at {url} did not start")


@pytest.fixture
async def nodes(redis_url: str) -> AsyncIterator[tuple[list[str], dict[str, dict[str, str]], str]]:
    run = uuid.uuid4().hex[:10]
    people = {name: {"id": f"{name}-{run}", "token": f"token-{name}-{run}-0123456789"}
              for name in ("alice", "bob")}
    seed = {"people": people, "conversation_id": f"conv-{run}"}
    env = {**os.environ, "REDIS_URL": redis_url, "MONGODB_DATABASE": f"openchance_test_{run}"}
    processes, urls = [], []
    try:
        for _ in range(2):
            port = free_port()
            processes.append(await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.realtime.node_server", str(port), json.dumps(seed),
                cwd=ROOT, env=env))
            urls.append(f"http://127.0.0.1:{port}")
        for url, process in zip(urls, processes, strict=True):
            await _wait_healthy(url, process)
        yield urls, people, seed["conversation_id"]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            await asyncio.wait_for(process.wait(), 10)
        if os.environ.get("MONGODB_URL"):
            from pymongo import AsyncMongoClient

            client: AsyncMongoClient = AsyncMongoClient(os.environ["MONGODB_URL"])
            await client.drop_database(env["MONGODB_DATABASE"])
            await client.close()


async def test_a_message_crosses_nodes_and_presence_agrees(
        nodes: tuple[list[str], dict[str, dict[str, str]], str]) -> None:
    (url_a, url_b), people, conversation_id = nodes
    alice, bob = people["alice"], people["bob"]
    a = await LiveClient(url_a).connect(alice["token"])
    b = await LiveClient(url_b).connect(bob["token"])
    try:
        for client in (a, b):
            ack = await client.call("conversation:join", {"conversation_id": conversation_id})
            assert ack["ok"], ack
        ack = await a.call("message:send", {"conversation_id": conversation_id,
                                            "body": "hello from node A", "client_id": "x1"})
        assert ack["ok"], ack
        pushed = (await b.wait_for("message:new"))[0]["message"]
        assert pushed == ack["message"]
        assert pushed["seq"] == 1 and pushed["sender_id"] == alice["id"]

        await a.call("typing", {"conversation_id": conversation_id, "is_typing": True})
        assert (await b.wait_for("typing"))[0]["user_id"] == alice["id"]

        both = {"user_ids": [alice["id"], bob["id"]]}
        on_a, on_b = await a.call("presence:query", both), await b.call("presence:query", both)
        assert on_a == on_b == {"ok": True, "online": {alice["id"]: True, bob["id"]: True}}

        await b.close()  # bob leaves node B; node B announces it after the grace period
        offline = await a.wait_for("presence", lambda got: any(
            p == {"user_id": bob["id"], "online": False} for p in got), timeout=5)
        assert offline
        watcher = await LiveClient(url_b).connect(alice["token"])  # alice's second tab, node B
        try:
            on_a, on_b = await a.call("presence:query", both), await watcher.call(
                "presence:query", both)
            assert on_a == on_b == {"ok": True, "online": {alice["id"]: True, bob["id"]: False}}
        finally:
            await watcher.close()
    finally:
        await a.close()
        await b.close()
