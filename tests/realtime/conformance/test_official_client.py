"""Our Socket.IO server against the official JavaScript client (socket.io-client from npm, the
one the web client ships): connect, auth errors, acks, rooms, binary, reconnection and replay.

The realtime fast path (realtime/sockets/transport.py) writes frames under python-engineio on
details it does not publish; python-engineio is pinned exactly for that. This test is the
guard: a version that changes what the fast path relies on breaks what this client sees.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from domain.adapters.socket_push import user_room
from domain.services.conversations import send_message
from tests.realtime.conftest import LiveServer, Person

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

Report = dict[str, Any]


class OfficialClients:
    """The driver process (driver.mjs): named socket.io-client sockets, a report per line."""

    def __init__(self, process: asyncio.subprocess.Process, url: str) -> None:
        self.process, self.url = process, url
        self.reports: list[Report] = []
        self._changed = asyncio.Event()
        self._next_id = 0
        self._reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for line in self.process.stdout:
            self.reports.append(json.loads(line))
            self._changed.set()

    def _send(self, **command: Any) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(command).encode() + b"\n")

    async def wait(self, check: Callable[[Report], bool], timeout: float = 10) -> Report:
        """The first report (from the start) that passes ``check``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for report in self.reports:
                if check(report):
                    return report
            if loop.time() > deadline or self.process.returncode is not None:
                raise AssertionError(f"no such report; got {self.reports[-10:]}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), deadline - loop.time())
            except TimeoutError:
                pass

    def count(self, name: str, kind: str) -> int:
        return sum(r["name"] == name and r["kind"] == kind for r in self.reports)

    async def connect(self, name: str, token: str | None, reconnection: bool = False) -> Report:
        before = self.count(name, "connect") + self.count(name, "connect_error")
        command: dict[str, Any] = {"op": "connect", "name": name, "url": self.url,
                                   "reconnection": reconnection}
        if token is not None:
            command["token"] = token
        self._send(**command)
        return await self.outcome(name, before)

    async def outcome(self, name: str, seen: int) -> Report:
        """The next connect or connect_error of ``name`` after ``seen`` of them."""
        def check(report: Report) -> bool:
            return report["name"] == name and report["kind"] in ("connect", "connect_error")

        while True:
            matching = [r for r in self.reports if check(r)]
            if len(matching) > seen:
                return matching[seen]
            await self.wait(lambda r: check(r) and sum(map(check, self.reports)) > seen)

    async def call(self, name: str, event: str, *args: Any) -> list[Any]:
        self._next_id += 1
        call_id = self._next_id
        self._send(op="emit", name=name, id=call_id, event=event, args=list(args))
        report = await self.wait(lambda r: r["kind"] == "ack" and r.get("id") == call_id)
        assert report["error"] is None, report
        return list(report["args"])

    def drop(self, name: str) -> None:
        self._send(op="drop", name=name)

    def events(self, name: str, event: str) -> list[list[Any]]:
        return [r["args"] for r in self.reports
                if r["name"] == name and r["kind"] == "event" and r["event"] == event]

    async def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            await asyncio.wait_for(self.process.wait(), 5)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        self._reader.cancel()


async def _until(check: Callable[[], bool], timeout: float = 10) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.02)


def _node() -> str:
    node = shutil.which("node", path=f"{ROOT / '.venv' / 'bin'}{os.pathsep}"
                                     f"{os.environ.get('PATH', '')}")
    if node is None or not (HERE / "node_modules" / "socket.io-client").is_dir():
        pytest.fail("the official-client test needs node and tests/realtime/conformance/"
                    "node_modules: run scripts/setup --test")
    return node


@pytest.fixture
async def official(server: LiveServer) -> AsyncIterator[OfficialClients]:
    process = await asyncio.create_subprocess_exec(
        _node(), str(HERE / "driver.mjs"), cwd=HERE, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE)
    clients = OfficialClients(process, server.url)
    try:
        yield clients
    finally:
        await clients.close()


async def test_connects_with_a_token_and_is_refused_without(
        server: LiveServer, official: OfficialClients) -> None:
    alice = await server.person("alice")
    assert (await official.connect("a", alice.token))["kind"] == "connect"
    refused = await official.connect("bad", "not-a-real-token-at-all")
    assert refused["kind"] == "connect_error"
    assert refused["message"] == "invalid or revoked token"
    assert refused["data"] == {"code": "unauthorized"}
    missing = await official.connect("none", None)
    assert missing["kind"] == "connect_error" and missing["data"] == {"code": "unauthorized"}


async def test_acks_and_room_pushes(server: LiveServer, official: OfficialClients,
                                    pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    await official.connect("a", alice.token)
    await official.connect("b", bob.token)
    for name in ("a", "b"):
        [ack] = await official.call(name, "conversation:join",
                                    {"conversation_id": conversation_id})
        assert ack == {"ok": True, "missed": [], "has_more": False}
    [ack] = await official.call("a", "message:send", {
        "conversation_id": conversation_id, "body": "hello", "client_id": "c1"})
    assert ack["ok"] and ack["message"]["seq"] == 1 and ack["message"]["body"] == "hello"
    pushed = await official.wait(lambda r: r["name"] == "b" and r.get("event") == "message:new")
    assert pushed["args"] == [{"message": ack["message"]}]
    [again] = await official.call("a", "message:send", {
        "conversation_id": conversation_id, "body": "hello", "client_id": "c1"})
    assert again["message"] == ack["message"]  # idempotent on client_id
    [unknown] = await official.call("a", "no:such:event", {})
    assert unknown["error"]["code"] == "unknown_event"
    [bad] = await official.call("a", "message:send", "not an object")
    assert bad["error"]["code"] == "validation_error"
    # Many pushes to one room arrive complete and in order (the corked fast path).
    for i in range(2, 52):
        await send_message(server.deps, alice.id, {
            "conversation_id": conversation_id, "body": f"m{i}", "client_id": f"c{i}"})
    await official.wait(lambda r: len(official.events("b", "message:new")) >= 51)
    seqs = [args[0]["message"]["seq"] for args in official.events("b", "message:new")]
    assert seqs == list(range(1, 52))


async def test_binary_both_ways(server: LiveServer, official: OfficialClients) -> None:
    alice = await server.person("alice")
    await official.connect("a", alice.token)
    blob = bytes(range(256))
    # Client -> server: a binary attachment is decoded and validated like any payload.
    [ack] = await official.call("a", "message:send", {
        "conversation_id": "x", "body": {"$bin": base64.b64encode(blob).decode()},
        "client_id": "b1"})
    assert ack["ok"] is False and ack["error"]["code"] == "validation_error"
    # Server -> client: a push with bytes goes out as attachments and arrives as bytes.
    await server.realtime.sio.emit("blob", {"data": blob, "n": 1}, to=user_room(alice.id))
    pushed = await official.wait(lambda r: r.get("event") == "blob")
    assert pushed["args"] == [{"data": {"$bin": base64.b64encode(blob).decode()}, "n": 1}]


async def test_reconnects_and_replays_what_it_missed(
        server: LiveServer, official: OfficialClients, pair: tuple[Person, Person, str]
) -> None:
    alice, bob, conversation_id = pair

    async def send(i: int) -> None:
        await send_message(server.deps, bob.id, {"conversation_id": conversation_id,
                                                 "body": f"m{i}", "client_id": f"r{i}"})

    await official.connect("a", alice.token, reconnection=True)
    await official.call("a", "conversation:join", {"conversation_id": conversation_id})
    await send(1)
    await official.wait(lambda r: r.get("event") == "message:new")
    # The connection dies (no close frame, as when a network goes away); the client
    # reconnects by itself and asks for what came after the last seq it saw.
    official.drop("a")
    await official.wait(lambda r: r["name"] == "a" and r["kind"] == "disconnect")
    # Sent while alice is away; her server side must have let go of the dead socket.
    await _until(lambda: alice.id not in {
        s.user_id for s in server.realtime.events.sessions.values()})
    await send(2)
    await send(3)
    reconnected = await official.outcome("a", 1)
    assert reconnected["kind"] == "connect"
    [ack] = await official.call("a", "conversation:join",
                                {"conversation_id": conversation_id, "after_seq": 1})
    assert [m["seq"] for m in ack["missed"]] == [2, 3]
    await send(4)
    await official.wait(lambda r: len(official.events("a", "message:new")) >= 2)
    assert [args[0]["message"]["seq"] for args in official.events("a", "message:new")] == [1, 4]
