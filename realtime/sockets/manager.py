"""Client managers whose room emit encodes a packet once and writes the same frame to every
recipient on this node (see ``transport``). The Redis variant keeps python-socketio's
pub/sub fan-out across nodes; each node then delivers locally through the same fast path."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet as sio_packet

from realtime.sockets.options import SocketOptions
from realtime.sockets.transport import DirectWebSocket
from realtime.sockets.websocket_frames import text_frame

# When busy, the next flush waits as long as the last one took (within these bounds): the
# bigger the rooms, the more broadcasts share each socket's write, and writing never takes
# more than about half the time. An idle server flushes on the next loop iteration. The upper
# bound is reached only by flushes that themselves take 25 ms (some 3,000 sockets), where a
# delivery already waits that long for its turn; a lower one (10 ms was tried) left 2,000
# watchers at 2.3 frames per write against 5.9 for 500, and so at half the deliveries per
# CPU-second.
FLUSH_GAP_MIN = 0.001
FLUSH_GAP_MAX = 0.025


class DirectEmitManager(socketio.AsyncManager):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.direct_sockets: dict[str, DirectWebSocket] = {}
        # How deliveries went out, for tests and benchmarks.
        self.direct_writes = 0
        self.queued_writes = 0
        self.transport_writes = 0
        # Sockets with corked frames, and the pending flush.
        self._dirty: list[DirectWebSocket] = []
        self._flush_handle: asyncio.Handle | None = None
        self._last_flush_end = 0.0
        self._flush_gap = FLUSH_GAP_MIN
        self.options = SocketOptions()  # the server's own, set by build_server
        self.slow_disconnects = 0

    async def emit(self, event: str, data: Any, namespace: str | None = None,
                   room: Any = None, skip_sid: Any = None, callback: Any = None,
                   to: Any = None, **kwargs: Any) -> None:
        room = to or room
        namespace = namespace or "/"
        if callback is not None or namespace not in self.rooms:
            # Per-recipient ack ids need per-recipient packets: python-socketio's own path.
            return await super().emit(event, data, namespace, room=room, skip_sid=skip_sid,
                                      callback=callback, **kwargs)
        args = list(data) if isinstance(data, tuple) else [] if data is None else [data]
        try:
            # Declared text, which skips python-socketio's recursive search for bytes (a fifth
            # of a chat message's CPU): the JSON codec (orjson) refuses bytes, and then the
            # packet takes the default path with binary attachments.
            encoded = self.server.packet_class(sio_packet.EVENT, namespace=namespace,
                                               data=[event, *args], binary=False).encode()
        except TypeError:
            return await super().emit(event, data, namespace, room=room, skip_sid=skip_sid,
                                      **kwargs)
        eio_pkt = eio_packet.Packet(eio_packet.MESSAGE, encoded)
        frame = text_frame(eio_pkt.encode().encode())
        skip = set(skip_sid) if isinstance(skip_sid, list) else {skip_sid}
        sockets, dirty = self.direct_sockets, self._dirty
        queued = []
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid in skip:
                continue
            ws = sockets.get(eio_sid)
            if ws is None:
                queued.append(eio_sid)  # not (or not yet) on a WebSocket: Engine.IO's path
            elif ws.can_write_now():
                if not ws.corked:
                    dirty.append(ws)
                ws.corked.append(frame)
                self.direct_writes += 1
            elif self._too_slow(ws):
                self.slow_disconnects += 1
                ws.drop()
            else:
                queued.append(eio_sid)
        if dirty and self._flush_handle is None:
            self._schedule_flush()
        self.queued_writes += len(queued)
        eio = self.server.eio
        for eio_sid in queued:
            # The shared packet caches its encoding, so this is a queue put, not a re-encode.
            await eio.send_packet(eio_sid, eio_pkt)

    def _too_slow(self, ws: DirectWebSocket) -> bool:
        unsent, queued = ws.backlog()
        return (unsent > self.options.slow_consumer_bytes
                or queued > self.options.slow_consumer_packets)

    def _schedule_flush(self) -> None:
        # Right away when idle; when busy, one flush gap after the last flush ended, so the
        # broadcasts that arrive meanwhile share each socket's next write.
        loop = asyncio.get_running_loop()
        delay = self._last_flush_end + self._flush_gap - loop.time()
        self._flush_handle = (loop.call_later(delay, self._flush) if delay > 0
                              else loop.call_soon(self._flush))

    def _flush(self) -> None:
        dirty, self._dirty = self._dirty, []
        self._flush_handle = None
        loop = asyncio.get_running_loop()
        started = loop.time()
        self.transport_writes += len(dirty)
        for ws in dirty:
            # A socket's own writer may have flushed it already (see DirectWebSocket.send).
            ws.flush_corked()
        self._last_flush_end = loop.time()
        self._flush_gap = min(FLUSH_GAP_MAX, max(FLUSH_GAP_MIN, self._last_flush_end - started))


class DirectEmitRedisManager(socketio.AsyncRedisManager, DirectEmitManager):
    """AsyncRedisManager (rooms across nodes) over the direct local emit: the MRO puts
    DirectEmitManager.emit where AsyncPubSubManager delivers a message on this node."""
