"""The composition root: one place where a process of any role is assembled.

``async with runtime(settings, role) as rt`` opens storage, builds the domain's collaborators
(``rt.deps``, with the notifier), picks the durable log (Redis Streams with ``REDIS_URL``,
in-process without), attaches the socket pushes of a role without sockets, and runs the
consumers that the role's packages registered through ``rt.consume_events`` /
``rt.consume``. ``realtime/``,
``bots/*`` and ``workers/`` each offer a ``setup(..., rt)`` and meet only here.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from domain.adapters.socket_push import socket_emitter, subscribe_socket_pushes
from domain.deps import Deps
from domain.jobs import (
    EVENTS,
    Consumer,
    ConsumerOptions,
    EntryHandler,
    EventHandler,
    EventLogWriter,
    event_handler,
)
from domain.ports import DurableLog, SearchIndex
from domain.services import search
from domain.storage import close_storage, open_storage
from openchance.bootstrap import build_deps
from openchance.settings import Settings

log = logging.getLogger(__name__)
ROLES = ("serve", "worker", "bot telegram", "bot discord", "bot slack", "seed")


def platform_groups(settings: Settings) -> list[str]:
    """The event-log groups of the bot platforms this deployment has. Every process creates
    them at start, so a bot that is down still finds every event it missed when it returns."""
    tokens = {"telegram": settings.telegram_bot_token, "discord": settings.discord_bot_token,
              "slack": settings.slack_bot_token or settings.slack_client_id}
    return [name for name, token in tokens.items() if token]


def build_log(settings: Settings) -> DurableLog:
    if settings.redis_url:
        from domain.adapters.redis_log import RedisLog

        return RedisLog(settings.redis_url, prefix=settings.redis_prefix)
    from domain.adapters.memory_log import MemoryLog

    return MemoryLog()


def consumer_name(role: str) -> str:
    """Stable across restarts of the same process on the same host, so a restarted consumer
    resumes its own unfinished entries first, in order (OPENCHANCE_CONSUMER overrides)."""
    return os.environ.get("OPENCHANCE_CONSUMER") or f"{socket.gethostname()}:{role}"


@dataclass
class Runtime:
    settings: Settings
    role: str
    deps: Deps
    log: DurableLog
    options: ConsumerOptions = field(default_factory=ConsumerOptions)
    storage: Any = None
    consumers: list[Consumer] = field(default_factory=list)
    _starters: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _background: list[tuple[Callable[[], Coroutine[Any, Any, None]], str]] = field(
        default_factory=list)
    _stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)
    _owns_storage: bool = False
    started: bool = False

    def consume(self, stream: str, group: str, handle: EntryHandler) -> Consumer:
        """Run ``handle`` for every entry of ``stream`` that ``group`` has not handled."""
        consumer = Consumer(self.log, stream, group, f"{consumer_name(self.role)}:{group}",
                            handle, self.options)
        self.consumers.append(consumer)
        if self.started:
            self._tasks.append(asyncio.create_task(consumer.run(), name=f"consume-{group}"))
        return consumer

    def consume_events(self, group: str, handle: EventHandler) -> Consumer:
        return self.consume(EVENTS, group, event_handler(handle))

    def background(self, job: Callable[[], Coroutine[Any, Any, None]], name: str) -> None:
        """A task that lives as long as the process (started with it, cancelled at stop)."""
        if self.started:
            self._tasks.append(asyncio.create_task(job(), name=name))
        else:
            self._background.append((job, name))

    def enter(self, context: contextlib.AbstractAsyncContextManager[Any]) -> None:
        """Close ``context`` when the runtime stops (entered at start)."""
        self._starters.append(lambda: self._stack.enter_async_context(context))

    async def start(self, storage: Any = None) -> None:
        if storage is None:
            storage = await open_storage(self.settings.mongodb_url,
                                         self.settings.mongodb_database,
                                         data_dir=self.settings.openchance_data_dir,
                                         fsync=self.settings.openchance_fsync)
            self._owns_storage = True
        self.storage = storage
        groups = {(EVENTS, g) for g in platform_groups(self.settings)}
        groups.update((c.stream, c.group) for c in self.consumers)
        for stream, group in sorted(groups):
            with contextlib.suppress(Exception):  # a consumer retries on its own
                await self.log.ensure_group(stream, group)
        for starter in self._starters:
            await starter()
        self.started = True
        for consumer in self.consumers:
            self._tasks.append(asyncio.create_task(consumer.run(),
                                                   name=f"consume-{consumer.group}"))
        for job, name in self._background:
            self._tasks.append(asyncio.create_task(job(), name=name))

    async def stop(self) -> None:
        for consumer in self.consumers:
            consumer.stop()  # each returns after its current entry and read
        consumers = [t for t in self._tasks if t.get_name().startswith("consume-")]
        if consumers:
            await asyncio.wait(consumers, timeout=self.options.block_ms / 1000 + 2)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            await _ended(task)
        self._tasks.clear()
        self.started = False
        await self._stack.aclose()
        await self.log.close()
        if self._owns_storage and self.storage is not None:
            await close_storage(self.storage)


async def _ended(task: asyncio.Task[None]) -> None:
    """Wait until a cancelled task has ended, cancelling it again while it runs on: Python
    3.11's ``asyncio.wait_for`` returns the result and drops a cancel that lands just as the
    awaited future completes, and redis-py wraps every socket write in it (its default socket
    timeout is 5 s). A task cancelled once in a Redis call may otherwise run forever, and
    ``stop`` with it."""
    while not task.done():
        await asyncio.wait({task}, timeout=0.2)
        if not task.done():
            task.cancel()
    if not task.cancelled() and task.exception() is not None:  # read, so it is not reported
        log.debug("%s ended with %r", task.get_name(), task.exception())


def build_runtime(settings: Settings, role: str, *, deps: Deps | None = None,
                  log: DurableLog | None = None,
                  options: ConsumerOptions | None = None) -> Runtime:
    """Everything a process of ``role`` shares, before anything is started."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    owns_deps = deps is None
    deps = deps or build_deps(settings)
    durable = log or build_log(settings)
    writer = EventLogWriter(durable)
    deps.bus.log = writer
    rt = Runtime(settings, role, deps, durable, options or ConsumerOptions())
    if owns_deps and deps.search is not None:
        rt.enter(_closing_search(deps, deps.search))  # its SQLite file or Typesense session
    if role != "seed":
        rt.background(writer.relay_forever, "outbox-relay")
    if role != "serve":
        # A process without sockets reaches them through a write-only Redis manager; serve
        # nodes push from their own server (realtime.setup).
        if settings.redis_url:
            subscribe_socket_pushes(deps.bus, socket_emitter(settings.redis_url))
        elif role != "seed":
            log_no_sockets(role)
    return rt


@contextlib.asynccontextmanager
async def _closing_search(deps: Deps, index: SearchIndex) -> AsyncIterator[None]:
    try:
        yield
    finally:
        await search.settle(deps)  # the changes of the last moments go in first
        await index.close()


def log_no_sockets(role: str) -> None:
    log.warning("REDIS_URL is unset: what `%s` does reaches no web socket and no other "
                "process (they share events through Redis).", role)


@contextlib.asynccontextmanager
async def runtime(settings: Settings, role: str, *, storage: Any = None,
                  deps: Deps | None = None, log: DurableLog | None = None,
                  options: ConsumerOptions | None = None,
                  setup: Callable[[Runtime], None] | None = None) -> AsyncIterator[Runtime]:
    """A started runtime for ``role``; ``setup`` registers the role's consumers first."""
    rt = build_runtime(settings, role, deps=deps, log=log, options=options)
    if setup is not None:
        setup(rt)
    await rt.start(storage)
    try:
        yield rt
    finally:
        await rt.stop()
