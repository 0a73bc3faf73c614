"""Soak: real processes, a real Redis, the real proxy (Caddy, with deploy/Caddyfile) in front,
clients connecting and disconnecting every few seconds while messages flow; one node is killed
mid-run, and Redis is restarted mid-run. At the end every persisted message has reached every
member of its conversation exactly once (by seq), and every acknowledged send is persisted once.

Two shapes, because the embedded store is one process per data directory by design:
- ``test_soak_three_nodes``: three `serve` nodes, one `worker`, sharing the MongoDB that
  MONGODB_URL names; one node is killed for good and its clients move to the others. Skipped
  without MONGODB_URL (three embedded nodes cannot share one store; serve refuses to try).
- ``test_soak_embedded_node``: what runs here: one `serve` on OPENCHANCE_DATA_DIR with Redis
  (`--private-store`), killed with SIGKILL mid-run and started again on the same directory;
  its clients reconnect through the proxy and replay what they missed.
SOAK_SECONDS sets how long messages flow (default 15; e.g. 600 for a long run).
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import subprocess
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.production.platform import ROOT, Api, Chat, Node, process_env
from tests.redis_server import PrivateRedis, free_port, redis_server_binary

SECONDS = float(os.environ.get("SOAK_SECONDS", "15"))


@dataclass
class Member:
    api: Api
    conversations: list[str] = field(default_factory=list)
    # conversation -> seq -> message, as this member's clients received them
    seen: dict[str, dict[int, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    sessions: int = 0
    failed_sessions: int = 0
    repeated: int = 0  # a seq pushed live and also replayed on join (the client drops it)


@dataclass
class Cluster:
    nodes: list[Node]
    proxy_url: str | None
    alive: list[Node] = field(default_factory=list)

    def entry(self, rng: random.Random) -> str:
        return self.proxy_url or rng.choice(self.alive).url


def start_proxy(tmp_path: Path, upstreams: list[Node]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "caddy"),
           "XDG_CONFIG_HOME": str(tmp_path / "caddy"),
           "OPENCHANCE_SITE": f"http://localhost:{port}",
           "OPENCHANCE_UPSTREAMS": " ".join(f"127.0.0.1:{n.port}" for n in upstreams),
           "CADDY_ADMIN": f"127.0.0.1:{free_port()}"}
    with (tmp_path / "caddy.log").open("ab") as log:
        process = subprocess.Popen(["caddy", "run", "--config", str(ROOT / "deploy" / "Caddyfile"),
                                    "--adapter", "caddyfile"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    # localhost, not 127.0.0.1: clients' cookie jars refuse cookies from bare IP addresses,
    # and the sticky-session cookie is what keeps a polling client on one node.
    return process, f"http://localhost:{port}"


async def member_sessions(member: Member, cluster: Cluster, stop: asyncio.Event,
                          rng: random.Random, transport: str) -> None:
    """Connect, join every conversation after the last seq seen, stay 1-3 s, leave; again."""
    while True:
        final = stop.is_set()
        chat = Chat(member.api.token or "")
        member.sessions += 1
        try:
            await chat.connect(cluster.entry(rng), transport)
            for conversation_id in member.conversations:
                seen = member.seen[conversation_id]
                ack = await chat.call("conversation:join", {
                    "conversation_id": conversation_id, "after_seq": max(seen, default=0)})
                for message in ack["missed"]:
                    seen[message["seq"]] = message
            if final:
                await asyncio.sleep(0.5)
            else:
                await asyncio.wait_for(stop.wait(), rng.uniform(1.0, 3.0))
        except TimeoutError:
            pass
        except Exception:
            member.failed_sessions += 1
            await asyncio.sleep(0.3)
            if final:
                continue  # the last session must succeed
        finally:
            for message in chat.pushed:
                seen = member.seen[message["conversation_id"]]
                member.repeated += message["seq"] in seen
                seen[message["seq"]] = message
            await chat.close()
        if final:
            return


async def sender(member: Member, cluster: Cluster, stop: asyncio.Event, rng: random.Random,
                 acknowledged: dict[str, dict[str, Any]]) -> None:
    """Sends until stopped; a send cut off by a kill is retried with its client_id."""
    chat: Chat | None = None
    pending: tuple[str, str] | None = None
    while not stop.is_set() or pending is not None:
        try:
            if chat is None:
                chat = await Chat(member.api.token or "").connect(cluster.entry(rng))
            if pending is None:
                pending = (rng.choice(member.conversations), uuid.uuid4().hex)
            ack = await chat.call("message:send", {"conversation_id": pending[0],
                                                   "body": f"m {pending[1][:6]}",
                                                   "client_id": pending[1]}, timeout=5)
            acknowledged[pending[1]] = ack["message"]
            pending = None
            await asyncio.sleep(rng.uniform(0.05, 0.25))
        except Exception:
            if chat is not None:
                await chat.close()
            chat = None
            await asyncio.sleep(0.3)
    if chat is not None:
        await chat.close()


async def soak(cluster: Cluster, redis: PrivateRedis, tmp_path: Path,
               kill: Any) -> dict[str, Any]:
    rng = random.Random(int(os.environ.get("SOAK_SEED", "17")))
    async with aiohttp.ClientSession() as session:
        anonymous = Api(session, cluster.entry(rng))
        people = [Member(await anonymous.register(name)) for name in ("ann", "ben", "cat")]
        for a, b in [(0, 1), (0, 2), (1, 2)]:
            chat = await Chat(people[a].api.token or "").connect(cluster.entry(rng))
            opened = await chat.call("conversation:open", {"user_id": people[b].api.user_id})
            await chat.close()
            for index in (a, b):
                people[index].conversations.append(opened["conversation"]["id"])
        stop = asyncio.Event()
        acknowledged: dict[str, dict[str, Any]] = {}
        transports = ["websocket", "polling", "websocket"]
        tasks = [asyncio.create_task(member_sessions(m, cluster, stop, rng, t))
                 for m, t in zip(people, transports, strict=True)]
        tasks += [asyncio.create_task(sender(m, cluster, stop, rng, acknowledged))
                  for m in people]
        started = time.monotonic()
        await asyncio.sleep(SECONDS * 0.3)
        kill_at = time.monotonic() - started
        await kill()
        await asyncio.sleep(max(0.0, SECONDS * 0.65 - (time.monotonic() - started)))
        redis_at = time.monotonic() - started
        await asyncio.to_thread(redis.restart)
        await asyncio.sleep(max(0.0, SECONDS - (time.monotonic() - started)))
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 120)

        persisted: dict[str, list[dict[str, Any]]] = {}
        reader = {c: m for m in people for c in m.conversations}
        for conversation_id, member in reader.items():
            persisted[conversation_id] = await member.api.on(
                cluster.entry(rng)).messages(conversation_id)
    by_client = {m["client_id"]: m for ms in persisted.values() for m in ms}
    assert len(by_client) == sum(map(len, persisted.values())), "a message stored twice"
    for client_id, message in acknowledged.items():
        assert by_client.get(client_id) == message, f"acknowledged, not persisted: {message}"
    for member in people:
        for conversation_id in member.conversations:
            stored = {m["seq"]: m for m in persisted[conversation_id]}
            assert member.seen[conversation_id] == stored, (
                f"{member.api.user_id} missed or got other messages in {conversation_id}: "
                f"{sorted(set(stored) ^ set(member.seen[conversation_id]))}")
    return {"messages": len(by_client), "acknowledged": len(acknowledged),
            "sessions": sum(m.sessions for m in people),
            "failed sessions": sum(m.failed_sessions for m in people),
            "repeats dropped by seq": sum(m.repeated for m in people),
            "node killed at s": round(kill_at, 1), "redis restarted at s": round(redis_at, 1)}


@pytest.fixture
def private_redis() -> Any:
    if redis_server_binary() is None:
        pytest.skip("redis-server is not installed (scripts/setup --test installs it)")
    redis = PrivateRedis()
    yield redis
    redis.stop()


async def run_with_proxy(tmp_path: Path, nodes: list[Node], redis: PrivateRedis,
                         kill: Any) -> dict[str, Any]:
    proxy = None
    cluster = Cluster(nodes, None, list(nodes))
    if shutil.which("caddy"):
        proxy, cluster.proxy_url = start_proxy(tmp_path, nodes)
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                try:
                    async with session.get(f"{cluster.proxy_url}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)
    try:
        return await soak(cluster, redis, tmp_path, lambda: kill(cluster))
    finally:
        if proxy is not None:
            proxy.terminate()
            try:
                proxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proxy.kill()
                proxy.wait(timeout=10)


async def test_soak_embedded_node(tmp_path: Path, private_redis: PrivateRedis) -> None:
    env = process_env(OPENCHANCE_DATA_DIR=str(tmp_path / "data"), REDIS_URL=private_redis.url)
    node = Node(env, tmp_path / "serve.log", "--private-store")
    await node.start().healthy()

    async def kill_and_restart(cluster: Cluster) -> None:
        node.kill()
        node.start()  # clients retry through the proxy until it answers again

    try:
        figures = await run_with_proxy(tmp_path, [node], private_redis, kill_and_restart)
    finally:
        node.stop()
    assert "WARNING: this node keeps its data in its own embedded store" in node.output()
    print(f"\nembedded soak ({SECONDS:g} s): {figures}")
    assert figures["acknowledged"] > 10


@pytest.mark.skipif(not os.environ.get("MONGODB_URL"), reason=(
    "three serve nodes must share one store: set MONGODB_URL (the embedded store is one "
    "process per data directory, and serve refuses REDIS_URL without MONGODB_URL)"))
async def test_soak_three_nodes(tmp_path: Path, private_redis: PrivateRedis) -> None:
    env = process_env(MONGODB_URL=os.environ["MONGODB_URL"], REDIS_URL=private_redis.url,
                      MONGODB_DATABASE=f"openchance_soak_{uuid.uuid4().hex[:8]}")
    nodes = [Node(env, tmp_path / f"serve{n}.log") for n in range(3)]
    worker = Node(env, tmp_path / "worker.log", command="worker")
    for node in nodes:
        node.start()
    worker.start()

    async def kill_one(cluster: Cluster) -> None:
        nodes[0].kill()
        cluster.alive.remove(nodes[0])

    try:
        for node in nodes:
            await node.healthy()
        figures = await run_with_proxy(tmp_path, nodes, private_redis, kill_one)
        assert worker.process is not None and worker.process.poll() is None, worker.output()
    finally:
        for process in [*nodes, worker]:
            process.stop()
    print(f"\nthree-node soak ({SECONDS:g} s): {figures}")
