"""WebSockets taken over from aiohttp after their handshake (realtime/sockets/takeover.py):
nothing of aiohttp's request is kept, and the protocol holds up against a raw client
(messages right before a close, fragments around a ping, violations, server shutdown)."""

from __future__ import annotations

import asyncio
import gc
import struct
from typing import Any
from urllib.parse import urlsplit

import orjson
import pytest
from aiohttp import web

from domain.adapters.socket_push import user_room
from domain.deps import Deps
from openchance.settings import Settings
from realtime.sockets import transport
from realtime.sockets.websocket_frames import CLOSE, PING, PONG, TEXT
from tests.realtime.conftest import LiveServer, serve
from tests.realtime.test_websocket_frames import client_frame


class RawSocket:
    """A Socket.IO client written frame by frame over a plain TCP connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, url: str, token: str) -> RawSocket:
        host, port = urlsplit(url).hostname, urlsplit(url).port
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}\r\n"
                     "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                     "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n".encode())
        assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
        raw = cls(reader, writer)
        assert (await raw.frame())[1].startswith(b"0{")  # Engine.IO open
        writer.write(client_frame(b"40" + orjson.dumps({"token": token})))
        assert (await raw.frame())[1].startswith(b"40{")  # Socket.IO connect
        return raw

    async def frame(self, timeout: float = 5) -> tuple[int, bytes]:
        """The next frame from the server: (opcode, payload); (-1, b"") when it hung up."""
        async with asyncio.timeout(timeout):
            try:
                head = await self.reader.readexactly(2)
            except asyncio.IncompleteReadError:
                return -1, b""
            size = head[1] & 0x7F
            if size == 126:
                size = struct.unpack("!H", await self.reader.readexactly(2))[0]
            elif size == 127:
                size = struct.unpack("!Q", await self.reader.readexactly(8))[0]
            return head[0] & 0x0F, await self.reader.readexactly(size)

    async def until(self, wanted: Any, timeout: float = 5) -> tuple[int, bytes]:
        """Skip server frames (pings, pushes) until one that ``wanted(opcode, payload)``."""
        async with asyncio.timeout(timeout):
            while True:
                opcode, payload = await self.frame()
                if wanted(opcode, payload) or opcode == -1:
                    return opcode, payload


def event(ack_id: int, name: str, data: dict[str, Any]) -> bytes:
    return f"42{ack_id}".encode() + orjson.dumps([name, data])


async def _sessions_of(server: LiveServer, user_id: str, count: int) -> int:
    sessions = server.realtime.events.sessions
    for _ in range(250):
        if sum(s.user_id == user_id for s in sessions.values()) == count:
            break
        await asyncio.sleep(0.02)
    return sum(s.user_id == user_id for s in sessions.values())


async def test_a_socket_keeps_nothing_of_aiohttps_request(server: LiveServer) -> None:
    alice = await server.person("alice")
    client = await server.client(alice)
    (ws,) = server.realtime.manager.direct_sockets.values()
    assert ws.connection is not None  # served by our protocol
    for _ in range(50):  # aiohttp finishes the handshake request in its own time
        gc.collect()
        requests = [o for o in gc.get_objects() if isinstance(o, web.BaseRequest)
                    and o.path.startswith("/socket.io/")]
        if not requests:
            break
        await asyncio.sleep(0.02)
    assert requests == []
    # ...and the socket works both ways.
    assert (await client.call("presence:query", {"user_ids": [alice.id]}))["ok"]


async def test_messages_sent_right_before_a_close_are_handled(
        server: LiveServer, pair: tuple[Any, Any, str]) -> None:
    alice, bob, conversation_id = pair
    bobs = await server.client(bob)
    assert (await bobs.call("conversation:join", {"conversation_id": conversation_id}))["ok"]
    raw = await RawSocket.connect(server.url, alice.token)
    raw.writer.write(
        client_frame(event(1, "conversation:join", {"conversation_id": conversation_id}))
        + client_frame(event(2, "message:send", {"conversation_id": conversation_id,
                                                 "body": "sent, then gone",
                                                 "client_id": "last-words"}))
        + client_frame((1000).to_bytes(2, "big"), CLOSE))
    # The close is echoed and the connection ends...
    assert (await raw.until(lambda op, _: op == CLOSE)) == (CLOSE, (1000).to_bytes(2, "big"))
    assert (await raw.until(lambda op, _: False))[0] == -1
    # ...and the message sent before it was handled and delivered.
    pushes = await bobs.wait_for("message:new", lambda got: len(got) >= 1)
    assert pushes[0]["message"]["body"] == "sent, then gone"
    assert await _sessions_of(server, alice.id, 0) == 0


async def test_a_fragmented_event_around_a_ping_gets_its_pong_and_its_ack(
        server: LiveServer) -> None:
    alice = await server.person("alice")
    raw = await RawSocket.connect(server.url, alice.token)
    whole = event(7, "presence:query", {"user_ids": [alice.id]})
    raw.writer.write(client_frame(whole[:5], TEXT, fin=False) + client_frame(b"are you", PING)
                     + client_frame(whole[5:], 0))
    assert (await raw.until(lambda op, _: op == PONG)) == (PONG, b"are you")
    _, ack = await raw.until(lambda op, data: data.startswith(b"437"))
    assert orjson.loads(ack[3:])[0]["ok"] is True


async def test_a_protocol_violation_closes_the_socket_with_its_code(server: LiveServer) -> None:
    alice = await server.person("alice")
    raw = await RawSocket.connect(server.url, alice.token)
    raw.writer.write(client_frame(b"42[\"presence:query\",{}]", masked=False))
    opcode, payload = await raw.until(lambda op, _: op == CLOSE)
    assert opcode == CLOSE and payload[:2] == (1002).to_bytes(2, "big")
    raw.writer.write(client_frame(payload[:2], CLOSE))  # the client answers; both hang up
    assert (await raw.until(lambda op, _: False))[0] == -1
    assert await _sessions_of(server, alice.id, 0) == 0


async def test_stopping_the_server_closes_its_sockets(storage: Any, deps: Deps) -> None:
    lifetime = serve(storage, deps, Settings(_env_file=None, redis_url=None))
    server = await lifetime.__anext__()
    alice = await server.person("alice")
    raw = await RawSocket.connect(server.url, alice.token)
    # One more, already sent a close it never answers (the server would wait 5 s for it).
    silent = await RawSocket.connect(server.url, alice.token)
    *_, last = server.realtime.manager.direct_sockets.values()  # registered in order
    last.end()
    assert (await silent.until(lambda op, _: op == CLOSE))[0] == CLOSE
    started = asyncio.get_running_loop().time()
    await lifetime.aclose()  # the app shuts down
    opcode, payload = await raw.until(lambda op, _: op in (CLOSE, -1))
    assert (opcode, payload[:2]) == (CLOSE, (1001).to_bytes(2, "big"))
    assert (await raw.until(lambda op, _: False))[0] == -1
    assert (await silent.until(lambda op, _: False))[0] == -1
    assert asyncio.get_running_loop().time() - started < 3


async def test_a_socket_that_cannot_be_taken_over_stays_on_engineios_handler(
        server: LiveServer, monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(request: Any, ws: Any) -> None:
        return None  # as when aiohttp terminates TLS, or descriptors ran out

    monkeypatch.setattr(transport, "take_over", refuse)
    alice = await server.person("alice")
    client = await server.client(alice)
    (ws,) = server.realtime.manager.direct_sockets.values()
    assert ws.connection is None
    assert (await client.call("presence:query", {"user_ids": [alice.id]}))["ok"]
    await server.realtime.sio.emit("hello", {"n": 1}, to=user_room(alice.id))
    assert (await client.wait_for("hello", lambda got: len(got) >= 1))[0] == {"n": 1}
