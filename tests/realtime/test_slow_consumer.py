"""A consumer that stops reading is disconnected once its backlog passes the bound, and the
other sockets in its rooms get every push meanwhile (realtime/sockets/transport.py)."""

from __future__ import annotations

import asyncio
import socket
import struct
from urllib.parse import urlsplit

import orjson

from domain.adapters.socket_push import user_room
from tests.realtime.conftest import LiveServer


def _masked_text(payload: bytes) -> bytes:
    size = len(payload)
    header = (struct.pack("!BB", 0x81, 0x80 | size) if size < 126
              else struct.pack("!BBH", 0x81, 0x80 | 126, size))
    return header + b"\0\0\0\0" + payload  # a zero mask leaves the payload as it is


async def _read_frame(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readexactly(2)
    size = head[1] & 0x7F
    if size == 126:
        size = struct.unpack("!H", await reader.readexactly(2))[0]
    elif size == 127:
        size = struct.unpack("!Q", await reader.readexactly(8))[0]
    return await reader.readexactly(size)


async def stuck_client(url: str, token: str) -> asyncio.StreamWriter:
    """A Socket.IO client over a raw WebSocket that connects, then never reads again; a tiny
    receive buffer so the backlog piles up on the server quickly."""
    host, port = urlsplit(url).hostname, urlsplit(url).port
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    raw.setblocking(False)
    await asyncio.get_running_loop().sock_connect(raw, (host, port))
    reader, writer = await asyncio.open_connection(sock=raw)
    writer.write(f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {host}\r\n"
                 "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                 "Sec-WebSocket-Version: 13\r\n\r\n".encode())
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    assert (await _read_frame(reader)).startswith(b"0{")  # Engine.IO open
    writer.write(_masked_text(b"40" + orjson.dumps({"token": token})))
    assert (await _read_frame(reader)).startswith(b"40{")  # Socket.IO connect
    return writer


async def test_a_stuck_consumer_is_dropped_and_the_others_get_everything(
        server: LiveServer) -> None:
    options = server.realtime.options
    options.slow_consumer_bytes, options.slow_consumer_packets = 256 * 1024, 50
    bob = await server.person("bob")
    stuck = await stuck_client(server.url, bob.token)
    fast = await server.client(bob)
    sessions = server.realtime.events.sessions
    assert sum(s.user_id == bob.id for s in sessions.values()) == 2
    blob = "x" * 60_000
    manager = server.realtime.manager
    for i in range(250):  # 15 MB: more than the kernel's buffers and our bound together
        await server.realtime.sio.emit("blob", {"n": i, "data": blob}, to=user_room(bob.id))
        # The reading client keeps up (it shares this event loop, so it reads only while the
        # test waits): it must never count as slow.
        await fast.wait_for("blob", lambda pushes, n=i + 1: len(pushes) >= n, timeout=10)
    assert [p["n"] for p in fast.received["blob"]] == list(range(250))
    assert manager.slow_disconnects == 1
    for _ in range(200):  # the stuck socket's disconnect runs its handler
        if sum(s.user_id == bob.id for s in sessions.values()) == 1:
            break
        await asyncio.sleep(0.02)
    assert sum(s.user_id == bob.id for s in sessions.values()) == 1
    stuck.close()


async def test_a_client_that_goes_silent_is_dropped(server: LiveServer) -> None:
    # Engine.IO's clients answer every ping; one that sends nothing for a ping interval plus
    # a ping timeout (a vanished laptop, a half-open connection) is dropped by the sweep.
    eio = server.realtime.sio.eio
    eio.ping_interval, eio.ping_timeout = 0.3, 0.3
    bob = await server.person("bob")
    silent = await stuck_client(server.url, bob.token)  # never reads, never answers pings
    sessions = server.realtime.events.sessions
    assert sum(s.user_id == bob.id for s in sessions.values()) == 1
    for _ in range(150):
        if not (any(s.user_id == bob.id for s in sessions.values())
                or server.realtime.manager.direct_sockets):
            break
        await asyncio.sleep(0.02)
    assert not any(s.user_id == bob.id for s in sessions.values())
    assert not server.realtime.manager.direct_sockets
    silent.close()
