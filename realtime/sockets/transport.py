"""The WebSocket transport under Engine.IO, with a direct write path for broadcasts.

A server frame is unmasked, so one encoded frame can be written unchanged to every recipient.
Engine.IO normally queues a packet per recipient and a writer task per socket encodes and
sends it; that per-recipient work is what limits a broadcast. ``DirectWebSocket`` replaces
Engine.IO's aiohttp WebSocket wrapper (its ``_async['websocket']`` driver slot) and lets the
room emitter write the shared frame straight to the socket's transport, but only when that
cannot reorder anything: the socket's writer is parked on an empty queue (so every packet
queued earlier has been written) and the transport is not backed up. Otherwise the packet
goes through Engine.IO's queue as usual.

Frames are corked per socket and written with one call per flush: a loopback or network write
is a system call costing several microseconds, far more than the Python around it, so when
broadcasts come fast several share one write.

A socket on a WebSocket from its first request leaves aiohttp once the handshake is answered
(``takeover``): its connection is then our protocol, which feeds Engine.IO's socket what
arrives, and its queue writes what is sent at once, so it has no reader or writer task.

Slow consumers: a socket whose unsent bytes pass ``SocketOptions.slow_consumer_bytes`` (kernel
buffers full, then our transport buffer) or whose Engine.IO queue passes
``slow_consumer_packets`` is disconnected at its next delivery instead of buffering without
bound. Its client reconnects and asks for what it missed (``conversation:join`` with
``after_seq``); typing and presence are ephemeral anyway. Nobody else waits for it: a
broadcast never awaits a recipient.

This is the one module that touches details python-engineio does not publish (the websocket
driver slot ``AsyncServer._async['websocket']``, the Engine.IO socket's ``queue``,
``connected``/``upgraded``/``closing`` flags, its server's ``sockets`` table and its handler's
``__self__``) and asyncio's ``Queue._getters``.
python-engineio is pinned exactly in pyproject.toml, and
tests/realtime/conformance/test_official_client.py runs the official JavaScript client through
this path: an upgrade that changes any of it fails the test command. Each detail degrades to
Engine.IO's own queue (slower, never wrong) when it is missing.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import orjson
from aiohttp import web

from realtime.sockets.socket_queue import SocketQueue
from realtime.sockets.takeover import WebSocketConnection, spawn_kept, take_over
from realtime.sockets.websocket_frames import NORMAL, text_frame

# Above this many unsent bytes a socket is slow: it gets its packets through its own queue
# (where its writer waits for the transport to drain) instead of growing the buffer further.
WRITE_BUFFER_LIMIT = 256 * 1024


class OrjsonCodec:
    """A ``json`` module for python-socketio/engineio (they call ``dumps(obj, separators=...)``)."""

    @staticmethod
    def dumps(obj: Any, **_: Any) -> str:
        return orjson.dumps(obj).decode()

    @staticmethod
    def loads(data: str | bytes, **_: Any) -> Any:
        return orjson.loads(data)


def packet_frame(encoded: str | bytes) -> bytes:
    """The frame of an encoded Engine.IO packet: text, or binary for a binary attachment."""
    if isinstance(encoded, str):
        return text_frame(encoded.encode())
    return text_frame(encoded, 0x82)


def _writer_parked(queue: Any) -> bool:
    """True when the socket's writer task is waiting on its (empty) queue.

    A put hands the item to the waiting getter and removes that getter from ``_getters`` at
    once, and the writer only waits again after writing everything it took, so an empty queue
    with a pending getter means nothing queued for this socket is still unwritten. Called for
    every delivery, hence the plain loop (a generator costs more than the rest of the check).
    A socket on a WebSocket from the start has no writer task: its queue writes at once.
    """
    if isinstance(queue, SocketQueue):
        if queue.direct:
            return True
        queue = queue.polling_queue()
        if queue is None:
            return False
    if not queue.empty():
        return False
    for getter in getattr(queue, "_getters", ()):  # asyncio private; absent: "not sure"
        if not getter.done():
            return True
    return False


class DirectWebSocket:
    """Engine.IO's aiohttp WebSocket wrapper, uncompressed, registered for direct writes.

    A socket on a WebSocket from its first request is taken over from aiohttp after the
    handshake (see ``takeover``) and gets no writer task: its ``SocketQueue`` writes each
    packet at once. A socket upgrading from long-polling, or one that cannot be taken over,
    keeps Engine.IO's own handler on aiohttp's WebSocket."""

    __slots__ = ("_sock", "_transport", "connection", "corked", "eio_socket", "handler",
                 "last_seen", "server")
    registry: dict[str, DirectWebSocket] = {}  # replaced per server by ``websocket_driver``
    # The server's SocketOptions (slow_consumer_bytes: unsent bytes above which a socket is
    # dropped), set by ``websocket_driver``.
    options: Any = None

    def __init__(self, handler: Any, server: Any) -> None:
        self.handler = handler
        self.server = server
        self._sock: web.WebSocketResponse | None = None
        self._transport: asyncio.Transport | None = None
        self.connection: WebSocketConnection | None = None  # once taken over from aiohttp
        self.eio_socket = getattr(handler, "__self__", None)
        # Broadcast frames waiting for the next flush, in emit order (see DirectEmitManager).
        self.corked: list[bytes] = []
        # When the client last sent anything (loop time), on sockets taken over.
        self.last_seen: float | None = None

    async def __call__(self, environ: dict[str, Any]) -> web.WebSocketResponse:
        request: web.Request = environ["aiohttp.request"]
        # No permessage-deflate: compressing per recipient would undo the shared frame.
        self._sock = web.WebSocketResponse(max_msg_size=self.server.max_http_buffer_size,
                                           compress=False)
        await self._sock.prepare(request)
        self._transport = request.transport  # type: ignore[assignment]
        eio = self.eio_socket
        sid = getattr(eio, "sid", None)
        queue = getattr(eio, "queue", None)
        if sid is not None and isinstance(queue, SocketQueue) and not eio.connected:
            connection = await take_over(request, self)
            if connection is not None:
                # Engine.IO's handler would do this for a socket on a WebSocket from the
                # start; from here on the connection's protocol feeds it what arrives.
                self.connection, self._transport = connection, connection.transport
                eio.connected = eio.upgraded = True
                self.last_seen = asyncio.get_running_loop().time()
                self.registry[sid] = self
                queue.attach(self)
                # aiohttp's response and request (and through them its handler and parser)
                # are not kept: what is left of them goes when aiohttp finishes the request.
                # The environ is the one Socket.IO keeps for the socket's life.
                environ.pop("aiohttp.request", None)
                response, self._sock = self._sock, None
                return response
        if sid is not None:
            self.registry[sid] = self
        try:
            await self.handler(self)
        finally:
            if sid is not None and self.registry.get(sid) is self:
                del self.registry[sid]
        return self._sock

    async def connection_ended(self) -> None:
        """The taken-over connection is gone (and its messages handled): Engine.IO's socket
        closes, as its handler closes it when the WebSocket ends."""
        eio, server = self.eio_socket, self.server
        eio.queue.detach()
        self.corked.clear()
        if self.registry.get(eio.sid) is self:
            del self.registry[eio.sid]
        await eio.close(wait=False, abort=True, reason=server.reason.TRANSPORT_CLOSE)
        if server.sockets.get(eio.sid) is eio:
            del server.sockets[eio.sid]

    def write_packet(self, pkt: Any) -> None:
        """Write one Engine.IO packet now, after the frames corked before it. A socket whose
        unsent bytes pass ``options.slow_consumer_bytes`` is dropped rather than buffered
        further."""
        self.corked.append(packet_frame(pkt.encode()))
        self.flush_corked()
        transport = self._transport
        if transport is not None and (transport.get_write_buffer_size()
                                      > self.options.slow_consumer_bytes):
            self.drop()

    def end(self, code: int = NORMAL, wait: bool = True) -> None:
        """No more packets (a None put in the queue, as a kick does): close the WebSocket, as
        Engine.IO's writer task does when it takes a None (``wait=False``: without waiting
        for the client's close frame, as when the server stops)."""
        if self.connection is not None:
            self.connection.close(code, wait=wait)
            return
        sock = self._sock
        if sock is not None and not sock.closed:
            spawn_kept(sock.close())

    async def close(self) -> None:
        assert self._sock is not None
        await self._sock.close()

    async def send(self, message: str | bytes) -> None:
        assert self._sock is not None
        # Frames corked before this packet was queued go first.
        self.flush_corked()
        send = self._sock.send_bytes if isinstance(message, bytes) else self._sock.send_str
        result = send(message)  # type: ignore[arg-type]
        if inspect.isawaitable(result):
            await result

    async def wait(self) -> str | bytes:
        assert self._sock is not None
        msg = await self._sock.receive()
        if not isinstance(msg.data, bytes | str):
            raise OSError()
        return msg.data

    def can_write_now(self) -> bool:
        """True if a frame written now cannot overtake a packet queued earlier."""
        sock, transport = self.eio_socket, self._transport
        if sock is None or transport is None:
            return False
        queue = sock.queue
        if type(queue) is SocketQueue and queue.writer is self:
            # On a WebSocket from the start: nothing is ever queued.
            return not (sock.closing or sock.closed or transport.is_closing()
                        or transport.get_write_buffer_size() > WRITE_BUFFER_LIMIT)
        if (sock.closing or sock.closed
                or not sock.upgraded or sock.upgrading):
            return False
        return (not transport.is_closing()
                and transport.get_write_buffer_size() <= WRITE_BUFFER_LIMIT
                and _writer_parked(sock.queue))

    def backlog(self) -> tuple[int, int]:
        """Unsent bytes in our transport buffer, and packets waiting in Engine.IO's queue."""
        sock, transport = self.eio_socket, self._transport
        unsent = transport.get_write_buffer_size() if transport is not None else 0
        queued = sock.queue.qsize() if sock is not None else 0
        return unsent + sum(map(len, self.corked)), queued

    def drop(self) -> None:
        """Disconnect a consumer too slow to keep up: abort the connection at once (a close
        frame would wait behind everything unsent). Engine.IO then sees the socket go."""
        self.corked.clear()
        if self._transport is not None:
            self._transport.abort()

    def flush_corked(self) -> None:
        corked, transport = self.corked, self._transport
        if not corked:
            return
        data = corked[0] if len(corked) == 1 else b"".join(corked)
        corked.clear()
        if transport is not None and not transport.is_closing():
            transport.write(data)


async def drop_silent_sockets(registry: dict[str, DirectWebSocket], server: Any) -> None:
    """Drop the sockets served by ``DirectWebSocket`` whose client sent nothing (not even the
    answer to a ping) for Engine.IO's ping interval plus ping timeout: what Engine.IO's own
    handler does with a receive timeout, checked here a few times per limit."""
    loop = asyncio.get_running_loop()
    while True:
        limit = server.ping_interval + server.ping_timeout
        await asyncio.sleep(min(1.0, limit / 4))  # 20,000 sockets: about 2 ms a second
        cutoff = loop.time() - limit
        for ws in list(registry.values()):
            if ws.last_seen is not None and ws.last_seen < cutoff:
                ws.drop()


def websocket_driver(registry: dict[str, DirectWebSocket],
                     options: Any) -> type[DirectWebSocket]:
    """A DirectWebSocket class bound to one server's registry (eio sid -> socket) and
    SocketOptions."""
    return type("BoundDirectWebSocket", (DirectWebSocket,), {
        "__slots__": (), "registry": registry, "options": options})


def install_direct_websocket(sio: Any, registry: dict[str, DirectWebSocket],
                             options: Any) -> None:
    """Make ``sio``'s Engine.IO server open WebSockets as DirectWebSocket (registered in
    ``registry``; a copy of the driver table, so other servers in the process keep theirs) and
    give its sockets a SocketQueue (``create_queue`` is the public method Engine.IO's sockets
    get their queue from)."""
    sio.eio._async = {**sio.eio._async,
                      "websocket": websocket_driver(registry, options)}
    sio.eio.create_queue = SocketQueue
