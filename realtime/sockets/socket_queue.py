"""The send queue of each Engine.IO socket, light enough for tens of thousands of idle sockets.

Engine.IO gives every socket an ``asyncio.Queue`` (three deques and an Event, about 3 KB) and,
on a WebSocket, a writer task that waits on it (a task, the ``wait_for`` task around
``queue.get()`` and its timer: another 1-2 KB). A socket that is on a WebSocket from its first
request needs neither: ``SocketQueue`` keeps the few packets queued before the WebSocket is
open, and once ``DirectWebSocket`` attaches, every packet put is written to the socket there
and then (a write is a non-blocking transport write, so nobody waits for a slow reader; its
unsent bytes are bounded by the slow-consumer limit instead, see ``transport``).

A socket that starts on long-polling uses the queue as Engine.IO does (polls wait on it, and
an upgrade to WebSocket keeps Engine.IO's own writer): the first such call turns it into a
real ``asyncio.Queue`` it passes everything to.

Engine.IO's sockets get their queue from the server's ``create_queue()``;
``install_direct_websocket`` makes that this class.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol


class PacketWriter(Protocol):
    def write_packet(self, pkt: Any) -> None: ...

    def end(self) -> None: ...


class SocketQueue:
    __slots__ = ("_early", "_queue", "writer")

    def __init__(self) -> None:
        self._early: list[Any] | None = None  # put before the WebSocket opened
        self._queue: asyncio.Queue[Any] | None = None  # long-polling: Engine.IO's own kind
        self.writer: PacketWriter | None = None  # attached WebSocket: writes at once

    # What DirectWebSocket calls.

    def attach(self, writer: PacketWriter) -> None:
        """Write what was queued so far, then every packet as it is put."""
        early, self._early = self._early, None
        for pkt in early or ():
            if pkt is not None:
                writer.write_packet(pkt)
        self.writer = writer

    def detach(self) -> None:
        """The WebSocket is gone: later packets are dropped (the socket is closing)."""
        self.writer = None
        self._early = None

    @property
    def direct(self) -> bool:
        return self.writer is not None

    def polling_queue(self) -> asyncio.Queue[Any] | None:
        """The asyncio.Queue a long-polling socket's writer waits on, if it has one."""
        return self._queue

    # The asyncio.Queue interface, as Engine.IO's socket uses it.

    def _as_queue(self) -> asyncio.Queue[Any]:
        if self._queue is None:
            self._queue = asyncio.Queue()
            for pkt in self._early or ():
                self._queue.put_nowait(pkt)
            self._early = None
        return self._queue

    def put_nowait(self, pkt: Any) -> None:
        if self.writer is not None:
            if pkt is None:  # Engine.IO's "stop writing": its writer would close the socket
                self.writer.end()
            else:
                self.writer.write_packet(pkt)
        elif self._queue is not None:
            self._queue.put_nowait(pkt)
        elif self._early is None:
            self._early = [pkt]
        else:
            self._early.append(pkt)

    async def put(self, pkt: Any) -> None:
        self.put_nowait(pkt)

    async def get(self) -> Any:
        return await self._as_queue().get()

    def get_nowait(self) -> Any:
        return self._as_queue().get_nowait()

    def task_done(self) -> None:
        self._as_queue().task_done()

    async def join(self) -> None:
        if self._queue is not None:
            await self._queue.join()

    def empty(self) -> bool:
        return self.qsize() == 0

    def qsize(self) -> int:
        if self._queue is not None:
            return self._queue.qsize()
        return len(self._early or ())
