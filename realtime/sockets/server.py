"""Builds the Socket.IO server on the aiohttp application and wires it to the domain's bus."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import socketio
from aiohttp import web

from domain.adapters.ephemeral import open_ephemeral_store
from domain.adapters.socket_push import SOCKET_CHANNEL, SocketPushes, subscribe_socket_pushes
from realtime.keys import DEPS, SETTINGS
from realtime.sockets.guard import GuardedServer
from realtime.sockets.handlers import SocketEvents
from realtime.sockets.kicks import SessionGuard
from realtime.sockets.live import LiveState
from realtime.sockets.manager import DirectEmitManager, DirectEmitRedisManager
from realtime.sockets.options import SocketOptions
from realtime.sockets.transport import (
    OrjsonCodec,
    drop_silent_sockets,
    install_direct_websocket,
)
from realtime.sockets.websocket_frames import GOING_AWAY

log = logging.getLogger(__name__)


@dataclass
class Realtime:
    """Everything the socket layer built for one application."""

    sio: socketio.AsyncServer
    manager: DirectEmitManager
    events: SocketEvents
    live: LiveState
    pushes: SocketPushes
    node_id: str
    options: SocketOptions
    guard: SessionGuard


SOCKETS = web.AppKey("sockets", Realtime)


def build_server(redis_url: str | None, options: SocketOptions) -> tuple[
        GuardedServer, DirectEmitManager]:
    manager: DirectEmitManager = (
        DirectEmitRedisManager(redis_url, channel=SOCKET_CHANNEL,
                               redis_options={"socket_connect_timeout": 1.0})
        if redis_url else DirectEmitManager())
    sio = GuardedServer(
        async_mode="aiohttp", client_manager=manager, json=OrjsonCodec,
        # Any origin: a socket proves who it is with the token in its connect payload, never
        # with ambient cookies, so a foreign page gains nothing by connecting.
        cors_allowed_origins="*", max_http_buffer_size=options.max_frame_bytes,
        # In order per socket: a client's messages are handled (and seq'd) in the order sent.
        async_handlers=False, logger=False, engineio_logger=False)
    # Our WebSocket wrapper (uncompressed, registered for direct frame writes).
    install_direct_websocket(sio, manager.direct_sockets, options)
    manager.options = options
    return sio, manager


def setup_sockets(app: web.Application, options: SocketOptions | None = None) -> Realtime:
    """Mount Socket.IO at /socket.io/ on ``app`` (one line in ``create_app``)."""
    options = options or SocketOptions()
    settings, deps = app[SETTINGS], app[DEPS]
    sio, manager = build_server(settings.redis_url, options)
    sio.attach(app)
    node_id = uuid.uuid4().hex[:12]
    live = LiveState(open_ephemeral_store(settings.redis_url), sio.emit, options, node_id)
    if deps.presence is None:  # offline delivery asks who is online (domain.ports.Presence)
        deps.presence = live.store
    events = SocketEvents(sio, deps, live, options)
    sio.on_bad_packet = events.bad_packet
    guard = SessionGuard(events, deps.bus, settings.redis_url)

    async def emit(event: str, data: dict[str, Any], room: str | list[str]) -> None:
        await sio.emit(event, data, to=room)

    pushes = subscribe_socket_pushes(deps.bus, emit)
    realtime = Realtime(sio, manager, events, live, pushes, node_id, options, guard)
    app[SOCKETS] = realtime

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        live.start()
        guard.start()
        sweeper = asyncio.create_task(drop_silent_sockets(manager.direct_sockets, sio.eio))
        yield
        sweeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sweeper
        pushes.closed = True
        await guard.stop()
        await live.stop()
        listener = getattr(manager, "thread", None)  # the Redis manager's listening task
        if listener is not None:
            listener.cancel()
            with contextlib.suppress(BaseException):
                await listener
        redis = getattr(manager, "redis", None)
        if redis is not None:
            with contextlib.suppress(Exception):
                await redis.aclose()

    async def disconnect_all(app: web.Application) -> None:
        # Close sockets before the server stops waiting for handlers to finish.
        for sid in list(events.sessions):
            with contextlib.suppress(Exception):
                await sio.disconnect(sid)
        await sio.shutdown()
        # WebSockets taken over from aiohttp are not among the connections it closes.
        for ws in list(manager.direct_sockets.values()):
            ws.end(GOING_AWAY, wait=False)

    app.cleanup_ctx.append(lifecycle)
    app.on_shutdown.append(disconnect_all)
    return realtime
