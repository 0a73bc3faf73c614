"""A Socket.IO server that treats a frame it cannot parse as the client's fault, not ours.

python-socketio decodes each Engine.IO message in ``_handle_eio_message`` and lets a decoding
error escape to Engine.IO, which logs a full traceback per frame and counts nothing. This
subclass (python-socketio is pinned in pyproject.toml; tests/hardening/test_sockets_abuse.py
guards the hook) hands such errors to ``on_bad_packet`` instead, which counts them against the
sender's limits, logs once per socket and closes the socket past a bound.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import socketio

BadPacket = Callable[[str, Exception], Awaitable[None]]


class GuardedServer(socketio.AsyncServer):  # type: ignore[misc]
    on_bad_packet: BadPacket | None = None

    async def _handle_eio_message(self, eio_sid: str, data: Any) -> None:
        try:
            await super()._handle_eio_message(eio_sid, data)
        except asyncio.CancelledError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            # Only decoding raises these here: the event handlers catch their own errors.
            if self.on_bad_packet is None:
                raise
            await self.on_bad_packet(eio_sid, exc)
