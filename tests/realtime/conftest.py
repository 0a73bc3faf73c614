"""Fixtures for the realtime tests: the real app on a free TCP port, real Socket.IO clients,
and users with tokens."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import socketio
from aiohttp import web

from domain.deps import Deps
from domain.services import accounts
from openchance.serve import create_app
from openchance.settings import Settings
from realtime.sockets import SOCKETS, Realtime


class LiveClient:
    """A real ``socketio.AsyncClient`` that records every server push it receives."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.sio = socketio.AsyncClient(reconnection=False)
        self.received: dict[str, list[Any]] = defaultdict(list)
        self._arrived = asyncio.Event()
        self.sio.on("*", self._record)

    async def _record(self, event: str, *args: Any) -> None:
        self.received[event].append(args[0] if len(args) == 1 else list(args))
        self._arrived.set()

    async def connect(self, token: str | None,
                      transports: tuple[str, ...] = ("websocket",)) -> LiveClient:
        auth = {"token": token} if token is not None else None
        await self.sio.connect(self.url, auth=auth, transports=list(transports), wait_timeout=5)
        return self

    async def call(self, event: str, *data: Any, timeout: float = 5) -> Any:
        return await self.sio.call(event, data[0] if len(data) == 1 else data or None,
                                   timeout=timeout)

    async def wait_for(self, event: str, predicate: Callable[[list[Any]], bool] | None = None,
                       timeout: float = 5) -> list[Any]:
        """Wait until the pushes of ``event`` received so far satisfy ``predicate``."""
        predicate = predicate or bool
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not predicate(self.received[event]):
            self._arrived.clear()
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {event}: {self.received[event]}")
            try:
                await asyncio.wait_for(self._arrived.wait(), left)
            except TimeoutError:
                pass
        return self.received[event]

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()


@dataclass
class Person:
    name: str
    id: str
    token: str


@dataclass
class LiveServer:
    url: str
    app: web.Application
    deps: Deps
    clients: list[LiveClient]
    people: dict[str, Person]

    @property
    def realtime(self) -> Realtime:
        return self.app[SOCKETS]

    async def person(self, name: str) -> Person:
        token, user = await accounts.register(self.deps, {
            "email": f"{name}-{uuid.uuid4().hex[:8]}@example.org",
            "password": "correct horse battery", "display_name": name})
        self.people[name] = Person(name, user.id, token)
        return self.people[name]

    async def client(self, who: Person | None = None, token: str | None = None,
                     transports: tuple[str, ...] = ("websocket",)) -> LiveClient:
        client = LiveClient(self.url)
        self.clients.append(client)
        return await client.connect(who.token if who is not None else token, transports)


async def start_app(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, shutdown_timeout=1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


async def serve(storage: Any, deps: Deps, settings: Settings) -> AsyncIterator[LiveServer]:
    app = create_app(settings, deps=deps, storage=storage)
    options = app[SOCKETS].options
    options.typing_ttl, options.presence_grace = 0.6, 0.4
    runner, url = await start_app(app)
    server = LiveServer(url, app, deps, [], {})
    try:
        yield server
    finally:
        for client in server.clients:
            await client.close()
        await runner.cleanup()


@pytest.fixture
async def server(storage: Any, deps: Deps) -> AsyncIterator[LiveServer]:
    async for live in serve(storage, deps, Settings(_env_file=None, redis_url=None)):
        yield live


@pytest.fixture
async def pair(server: LiveServer) -> tuple[Person, Person, str]:
    """Alice and Bob with a direct conversation; returns (alice, bob, conversation_id)."""
    from domain.services.conversations import open_conversation

    alice, bob = await server.person("alice"), await server.person("bob")
    conversation = await open_conversation(server.deps, alice.id, {"user_id": bob.id})
    return alice, bob, conversation.id


@pytest.fixture
async def redis_server(storage: Any, deps: Deps, redis_url: str) -> AsyncIterator[LiveServer]:
    async for live in serve(storage, deps, Settings(_env_file=None, redis_url=redis_url)):
        yield live
