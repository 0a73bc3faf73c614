"""Client managers whose room emit encodes a packet once and writes the same frame to every
recipient on this node (see ``transport``). The Redis variant keeps python-socketio's
pub/sub fan-out across nodes; each node then delivers locally through the same fast path."""

from __future__ import annotations

from typing import Any

import socketio
from engineio import packet as eio_packet
from socketio import packet as sio_packet

from realtime.sockets.transport import DirectWebSocket, text_frame


class DirectEmitManager(socketio.AsyncManager):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.direct_sockets: dict[str, DirectWebSocket] = {}
        # How deliveries went out, for tests and benchmarks.
        self.direct_writes = 0
        self.queued_writes = 0

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
        encoded = self.server.packet_class(sio_packet.EVENT, namespace=namespace,
                                           data=[event, *args]).encode()
        if isinstance(encoded, list):  # binary attachments: several frames, keep the default
            return await super().emit(event, data, namespace, room=room, skip_sid=skip_sid,
                                      **kwargs)
        eio_pkt = eio_packet.Packet(eio_packet.MESSAGE, encoded)
        frame = text_frame(eio_pkt.encode().encode())
        skip = set(skip_sid) if isinstance(skip_sid, list) else {skip_sid}
        sockets = self.direct_sockets
        queued = []
        direct = 0
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid in skip:
                continue
            ws = sockets.get(eio_sid)
            if ws is not None and ws.try_write(frame):
                direct += 1
            else:
                queued.append(eio_sid)
        self.direct_writes += direct
        self.queued_writes += len(queued)
        for eio_sid in queued:
            # The shared packet caches its encoding, so this is a queue put, not a re-encode.
            await self.server._send_eio_packet(eio_sid, eio_pkt)


class DirectEmitRedisManager(socketio.AsyncRedisManager, DirectEmitManager):
    """AsyncRedisManager (rooms across nodes) over the direct local emit: the MRO puts
    DirectEmitManager.emit where AsyncPubSubManager delivers a message on this node."""
