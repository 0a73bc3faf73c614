"""Durable delivery: domain events and jobs on streams, consumed by groups with retries.

- ``EVENTS`` is the stream every process appends its domain events to. Each kind of consumer
  (the notifier, a bot platform, the search indexer) is a consumer group on it, so a consumer
  that was down resumes where it stopped and sees every event once.
- ``JOBS`` carries the worker's jobs (schedule ticks: auto-refund, deadline expiry,
  reminders, money recovery), read by the ``worker`` group.

A consumer handles its entries one at a time, in stream order, so what one recipient is sent
keeps its order. A failing handler is retried in place with exponential backoff (order holds)
and, past ``max_attempts``, buried as a dead letter that ``openchance worker --dead`` shows
and ``--retry`` hands back. Handlers must be idempotent: an entry may be handled again after a
crash (the consumer died after the effect and before the acknowledgement), and each entry
carries a stable ``key`` for deduplication.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from domain.events import Event, event_from_record
from domain.models.outbox import OutboxEntry
from domain.ports import DurableLog, LogEntry

log = logging.getLogger(__name__)

EVENTS = "events"
JOBS = "jobs"

EntryHandler = Callable[[LogEntry], Awaitable[None]]
EventHandler = Callable[[Event, str], Awaitable[None]]


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after the ``attempt``-th failure (1-based)."""
        return float(min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


@dataclass(frozen=True)
class ConsumerOptions:
    retry: RetryPolicy = RetryPolicy()
    # An entry unacknowledged this long is presumed abandoned (its consumer died) and taken.
    lease: float = 30.0
    block_ms: int = 1000
    batch: int = 32


class EventLogWriter:
    """The bus's durable side: every published event becomes one entry of ``EVENTS``.

    When the log is unreachable (Redis away), the event goes to the outbox in the document
    store instead, and so does every later one until ``relay`` has moved them over, so the
    log still sees them in order. The service that published never fails for it."""

    def __init__(self, streams: DurableLog) -> None:
        self.streams = streams
        self._spilled = False

    async def append(self, event: Event) -> None:
        # A random 128-bit key, as uuid4's hex but a third of its cost (every message).
        record = {"id": os.urandom(16).hex(), **event.to_record()}
        if not self._spilled:
            try:
                await self.streams.append(EVENTS, record)
                return
            except Exception as exc:
                log.warning("event log unreachable (%s); keeping events in the outbox", exc)
                self._spilled = True
        await OutboxEntry(stream=EVENTS, record=record).insert()

    async def relay(self, batch: int = 500) -> int:
        """Move outbox entries (any process's) to the log, oldest first; returns how many.
        Appended before deleted: a crash in between repeats one, which handlers dedupe on
        its ``id``."""
        moved = 0
        while True:
            entries = await OutboxEntry.find({}).sort("created_at", "_id").limit(batch).to_list()
            if not entries:
                self._spilled = False
                return moved
            for entry in entries:
                await self.streams.append(entry.stream, entry.record)
                await entry.delete()
                moved += 1

    async def relay_forever(self, interval: float = 1.0) -> None:
        while True:
            try:
                moved = await self.relay()
                if moved:
                    log.info("relayed %d event(s) from the outbox to the event log", moved)
            except Exception as exc:
                log.debug("outbox relay waits for the event log: %s", exc)
            await asyncio.sleep(interval)


async def enqueue_job(streams: DurableLog, kind: str, args: dict[str, Any] | None = None,
                      *, key: str | None = None) -> str:
    return await streams.append(JOBS, {"id": key or uuid.uuid4().hex, "job": kind,
                                       "args": args or {}})


def event_handler(handle: EventHandler) -> EntryHandler:
    """An entry handler that decodes the event and passes it on with its stable key."""
    async def on_entry(entry: LogEntry) -> None:
        try:
            event = event_from_record(entry.record)
        except ValueError:
            log.warning("skipped an entry of %s that is not an event: %r", entry.stream,
                        entry.record)
            return
        await handle(event, entry.key)

    return on_entry


class Consumer:
    """One consumer of one group: reads, handles in order, retries, acknowledges, buries."""

    def __init__(self, streams: DurableLog, stream: str, group: str, name: str,
                 handle: EntryHandler, options: ConsumerOptions | None = None) -> None:
        self.streams, self.stream, self.group, self.name = streams, stream, group, name
        self.handle = handle
        self.options = options or ConsumerOptions()
        self.handled = 0
        self._stopping = False

    def stop(self) -> None:
        """Finish the entry in hand and return from ``run`` (after at most one read)."""
        self._stopping = True

    async def drain(self, within: float = 10.0) -> None:
        """Wait until the group has nothing left to handle (or ``within`` seconds pass)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            found = [s for s in await self.streams.stats()
                     if s.stream == self.stream and s.group == self.group]
            if found and found[0].lag == 0 and found[0].pending == 0:
                return
            await asyncio.sleep(0.01)
        log.warning("%s/%s still busy after %.1f s", self.stream, self.group, within)

    async def run(self) -> None:
        """Until cancelled. A storage outage is logged and retried, never fatal."""
        self._stopping = False
        await self._until_ok(lambda: self.streams.ensure_group(self.stream, self.group))
        while not self._stopping:
            try:
                entries = await self.streams.read(
                    self.stream, self.group, self.name, count=self.options.batch,
                    block_ms=self.options.block_ms, lease=self.options.lease)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("%s/%s: reading failed (%s); retrying", self.stream, self.group, exc)
                await asyncio.sleep(1)
                continue
            if entries:
                await self._handle_batch(entries)
        log.debug("%s/%s: consumer %s stopped", self.stream, self.group, self.name)

    async def _until_ok(self, step: Callable[[], Awaitable[None]]) -> None:
        while True:
            try:
                await step()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("%s/%s: %s; retrying", self.stream, self.group, exc)
                await asyncio.sleep(1)

    async def _handle_batch(self, entries: list[LogEntry]) -> None:
        keeper = asyncio.create_task(self._keep_lease(entries))
        try:
            for entry in entries:
                if self._stopping:  # the rest stay pending: this consumer resumes them first
                    return
                target = entry.record.get("for_group")
                if target is not None and target != self.group:  # a retry meant for another
                    await self.streams.ack(entry, self.group)
                    continue
                await self._handle_one(entry)
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper

    async def _keep_lease(self, entries: list[LogEntry]) -> None:
        while True:
            await asyncio.sleep(self.options.lease / 3)
            with contextlib.suppress(Exception):
                await self.streams.touch(entries, self.group, self.name)

    async def _handle_one(self, entry: LogEntry) -> None:
        policy = self.options.retry
        while True:
            attempt = await self.streams.attempt(entry, self.group)
            if attempt > policy.max_attempts:  # earlier runs crashed on it every time
                await self.streams.bury(entry, self.group, "crashed its consumer", attempt - 1)
                return
            try:
                await self.handle(entry)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                error = f"{type(exc).__name__}: {exc}"
                if attempt >= policy.max_attempts:
                    log.error("%s/%s: %s failed %d times, now a dead letter: %s", self.stream,
                              self.group, entry.key, attempt, error)
                    await self.streams.bury(entry, self.group, error, attempt)
                    return
                log.warning("%s/%s: %s failed (attempt %d: %s); retrying", self.stream,
                            self.group, entry.key, attempt, error)
                await asyncio.sleep(policy.delay(attempt))
                continue
            await self.streams.ack(entry, self.group)
            self.handled += 1
            return
