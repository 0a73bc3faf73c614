"""A lean Socket.IO client for load generation: Engine.IO v4 over a raw WebSocket.

python-socketio's own client spends more CPU per received packet than a server spends sending
it, so a load process built on it would measure itself. This one parses only frame headers
for counting and decodes JSON only where a scenario needs a value (latency timestamps, acks).
Client frames are masked with a zero key (valid per RFC 6455, and free to apply).
"""

from __future__ import annotations

import asyncio
import base64
import os
import struct
from collections.abc import Callable
from typing import Any

import orjson

EventHook = Callable[["RawClient", bytes], None]


def _masked_text_frame(payload: bytes) -> bytes:
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", 0x81, 0x80 | size)
    elif size < 65536:
        header = struct.pack("!BBH", 0x81, 0x80 | 126, size)
    else:
        header = struct.pack("!BBQ", 0x81, 0x80 | 127, size)
    return header + b"\x00\x00\x00\x00" + payload


class RawClient(asyncio.Protocol):
    def __init__(self, host: str, port: int, token: str, on_event: EventHook | None = None
                 ) -> None:
        self.host, self.port, self.token = host, port, token
        self.on_event = on_event
        self.events = 0
        self.transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._upgraded = False
        self._acks: dict[int, asyncio.Future[Any]] = {}
        self._next_id = 0
        self.ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    @classmethod
    async def open(cls, host: str, port: int, token: str, on_event: EventHook | None = None
                   ) -> RawClient:
        loop = asyncio.get_running_loop()
        _, client = await loop.create_connection(
            lambda: cls(host, port, token, on_event), host, port)
        await asyncio.wait_for(client.ready, 30)
        return client

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        key = base64.b64encode(os.urandom(16)).decode()
        self.transport.write((
            f"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: {self.host}:{self.port}"
            f"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
            "Sec-WebSocket-Version: 13\r\n\r\n").encode())

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.ready.done():
            self.ready.set_exception(ConnectionError("connection lost before connect"))
        for fut in self._acks.values():
            if not fut.done():
                fut.set_exception(ConnectionError("connection lost"))

    def data_received(self, data: bytes) -> None:
        buf = self._buffer
        buf += data
        if not self._upgraded:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            if not buf.startswith(b"HTTP/1.1 101"):
                self.ready.set_exception(ConnectionError(bytes(buf[:200]).decode(errors="replace")))
                return
            del buf[:end + 4]
            self._upgraded = True
        offset, size = 0, len(buf)
        while size - offset >= 2:
            length = buf[offset + 1] & 0x7F
            header = 2
            if length == 126:
                if size - offset < 4:
                    break
                length = struct.unpack_from("!H", buf, offset + 2)[0]
                header = 4
            elif length == 127:
                if size - offset < 10:
                    break
                length = struct.unpack_from("!Q", buf, offset + 2)[0]
                header = 10
            if size - offset < header + length:
                break
            opcode = buf[offset] & 0x0F
            start = offset + header
            offset = start + length
            if opcode == 1:
                self._packet(bytes(buf[start:offset]))
        del buf[:offset]

    def _packet(self, payload: bytes) -> None:
        head = payload[:2]
        if head == b"42":
            self.events += 1
            if self.on_event is not None:
                self.on_event(self, payload)
        elif head == b"43":
            bracket = payload.index(b"[")
            fut = self._acks.pop(int(payload[2:bracket]), None)
            if fut is not None and not fut.done():
                fut.set_result(orjson.loads(payload[bracket:])[0])
        elif payload == b"2":
            self.send_raw(b"3")
        elif head == b"0{":
            self.send_raw(b"40" + orjson.dumps({"token": self.token}))
        elif head == b"40" and not self.ready.done():
            self.ready.set_result(None)
        elif head == b"44" and not self.ready.done():
            self.ready.set_exception(ConnectionError(payload.decode()))

    def send_raw(self, payload: bytes) -> None:
        assert self.transport is not None
        self.transport.write(_masked_text_frame(payload))

    def call(self, event: str, data: dict[str, Any]) -> asyncio.Future[Any]:
        """Emit with an ack; the future resolves to the server's ack object."""
        self._next_id += 1
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._acks[self._next_id] = fut
        self.send_raw(b"42" + str(self._next_id).encode() + orjson.dumps([event, data]))
        return fut

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()


async def open_many(host: str, port: int, tokens: list[str], on_event: EventHook | None = None,
                    concurrency: int = 64) -> list[RawClient]:
    gate = asyncio.Semaphore(concurrency)

    async def one(token: str) -> RawClient:
        async with gate:
            return await RawClient.open(host, port, token, on_event)

    return list(await asyncio.gather(*(one(t) for t in tokens)))
