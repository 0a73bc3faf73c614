"""A socket's WebSocket, once aiohttp has answered its handshake, served by a lean protocol
of ours instead of aiohttp's connection.

Why: an idle socket kept in aiohttp costs about 12 KB in aiohttp alone (its request handler
and parser, the parsed handshake request and headers, the WebSocket response with its reader
queue and writer, two tasks and the suspended frames of every middleware and handler the
request passed through), before Engine.IO's socket and ours. Served here, an idle socket is a
transport, this protocol and a frame reader; no task waits for it (a task runs only while
its messages are handled).

How, with public APIs only: after the 101 response has gone out, the connection's socket is
duplicated (``os.dup``) and opened as a new transport with ``loop.connect_accepted_socket``;
aiohttp's transport (reading already paused) is then aborted, which closes only aiohttp's
descriptor: the TCP connection lives on in ours, and aiohttp sees its request end as if the
client had left (the close frame it would send goes nowhere: its transport is closing). A
connection this cannot be done for (TLS terminated in aiohttp, no socket, unsent bytes) stays
on Engine.IO's own WebSocket handler.

Messages are handled one at a time in the order sent (python-socketio's ``async_handlers``
is off, see ``server``), by a task started when the first of a batch arrives and ending when
the socket's inbox is empty. A client that sends faster than its messages are handled stops
being read (TCP pushes back) until the inbox drains.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from typing import Any, cast

from engineio import exceptions as eio_exceptions
from engineio import packet as eio_packet

from realtime.sockets.websocket_frames import (
    BINARY,
    CLOSE,
    INVALID_DATA,
    NORMAL,
    PING,
    PONG,
    TEXT,
    FrameError,
    FrameReader,
    close_frame,
    text_frame,
)

log = logging.getLogger(__name__)
_TASKS: set[asyncio.Task[Any]] = set()  # see spawn_kept

# Messages waiting to be handled at which this socket is no longer read, until the task
# handling them takes them.
INBOX_HIGH = 32
CLOSE_TIMEOUT = 5.0  # after our close frame, how long the client has to answer with its own


_last_warning = -60.0


def _warn_once_a_minute(exc: Exception) -> None:
    # Out of descriptors, every new socket fails the same way: one line a minute says so.
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 60:
        _last_warning = now
        log.warning("WebSocket take-over failed (%s); aiohttp keeps such connections", exc)


def spawn_kept(coro: Any) -> None:
    """Run ``coro`` in a task kept referenced until it ends (the loop holds tasks weakly)."""
    task = asyncio.get_running_loop().create_task(coro)
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)


class WebSocketConnection(asyncio.Protocol):
    """The WebSocket of one Engine.IO socket (``ws``: its DirectWebSocket)."""

    __slots__ = ("_clock", "_close_timer", "closing", "draining", "gone", "inbox", "reader",
                 "transport", "ws")

    def __init__(self, ws: Any, max_size: int) -> None:
        self.ws = ws
        self.reader = FrameReader(max_size)
        # (a list: an empty deque costs 600 bytes, and an idle socket's inbox is empty)
        self.inbox: list[str | bytes] = []
        self.transport: asyncio.Transport | None = None
        self.draining = False  # a task is handling the inbox
        self.closing = False  # our close frame is sent (or the client's answered)
        self.gone = False  # the connection is lost
        self._close_timer: asyncio.TimerHandle | None = None
        self._clock = asyncio.get_running_loop().time

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # (uvloop's transports are not asyncio.Transport subclasses, only alike)
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.ws.last_seen = self._clock()
        try:
            frames = self.reader.feed(data)
        except FrameError as exc:
            self.close(exc.code, exc.reason)
            return
        inbox = self.inbox
        for opcode, payload in frames:
            if opcode == CLOSE:
                self._close_received(payload)
                break
            if self.closing:
                continue  # after our close frame only the client's close matters
            if opcode == TEXT:
                try:
                    inbox.append(payload.decode())
                except UnicodeDecodeError:
                    self.close(INVALID_DATA, "text is not UTF-8")
            elif opcode == BINARY:
                inbox.append(payload)
            elif opcode == PING:
                self._write(text_frame(payload, 0x80 | PONG))
        if inbox:  # handled even when the client closed right after sending them
            if not self.draining:
                self.draining = True
                spawn_kept(self._drain())
            if len(inbox) >= INBOX_HIGH and self.transport is not None:
                self.transport.pause_reading()

    def eof_received(self) -> bool:
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self.gone = True
        if self._close_timer is not None:
            self._close_timer.cancel()
        if not self.draining:  # else the handling task ends it, after the messages before
            spawn_kept(self.ws.connection_ended())

    def close(self, code: int = NORMAL, reason: str = "", wait: bool = True) -> None:
        """Send a close frame (after the frames corked before it) and hang up once the
        client answers, or after CLOSE_TIMEOUT; at once with ``wait=False``."""
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        if self.closing:  # our close frame went out already: no more waiting, if so asked
            if not wait:
                transport.close()
            return
        self.closing = True
        self.ws.flush_corked()
        transport.write(close_frame(code, reason))
        if wait:
            self._close_timer = asyncio.get_running_loop().call_later(
                CLOSE_TIMEOUT, transport.close)
        else:
            transport.close()

    def _close_received(self, payload: bytes) -> None:
        transport = self.transport
        if transport is None:
            return
        if not self.closing:  # the client's close: echo its code, then hang up
            self.closing = True
            self.ws.flush_corked()
            transport.write(text_frame(payload[:2], 0x80 | CLOSE))
        transport.close()

    def _write(self, frame: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame)

    async def _drain(self) -> None:
        eio = self.ws.eio_socket
        try:
            while self.inbox:
                batch, self.inbox = self.inbox, []
                if self.transport is not None:
                    self.transport.resume_reading()  # if it was paused; a no-op otherwise
                for data in batch:
                    try:
                        await eio.receive(eio_packet.Packet(encoded_packet=data))
                    except eio_exceptions.UnknownPacketError:
                        pass  # as Engine.IO: a packet type it does not know is ignored
                    except eio_exceptions.SocketIsClosedError:
                        self.close()
                    except Exception:
                        log.exception("Socket.IO packet handling failed")
        finally:
            self.draining = False
            if self.gone:
                await self.ws.connection_ended()


async def take_over(request: Any, ws: Any) -> WebSocketConnection | None:
    """Serve the WebSocket whose handshake ``request`` just answered with ``ws``'s protocol,
    or None (the connection stays with aiohttp) when that cannot be done safely."""
    theirs = request.transport
    if (theirs is None or theirs.is_closing() or theirs.get_write_buffer_size()
            or theirs.get_extra_info("sslcontext") is not None):
        return None
    raw = theirs.get_extra_info("socket")
    if raw is None:
        return None
    theirs.pause_reading()
    connection = WebSocketConnection(ws, ws.server.max_http_buffer_size)
    ours: socket.socket | None = None
    try:
        descriptor = os.dup(raw.fileno())
        try:
            ours = socket.socket(fileno=descriptor)
        except OSError:
            os.close(descriptor)
            raise
        ours.setblocking(False)
        await asyncio.get_running_loop().connect_accepted_socket(lambda: connection, sock=ours)
    except (OSError, RuntimeError) as exc:
        _warn_once_a_minute(exc)
        if ours is not None:
            ours.close()
        theirs.resume_reading()
        return None
    theirs.abort()
    return connection
