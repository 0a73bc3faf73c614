"""The durable log's in-process stand-in (embedded mode): the same semantics as Redis Streams
consumer groups, kept in memory, so the embedded platform runs the same consumers."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from domain.models.common import utcnow
from domain.ports import DeadLetter, GroupStats, LogEntry

MAX_LENGTH = 100_000
# Trimmed in chunks, as Redis trims ``MAXLEN ~``: deleting the oldest entry on every append
# would shift the whole list each time (quadratic on a long-running server).
TRIM_SLACK = MAX_LENGTH // 10


@dataclass
class _Pending:
    consumer: str
    since: float
    entry: LogEntry


@dataclass
class _Group:
    next_seq: int
    pending: OrderedDict[str, _Pending] = field(default_factory=OrderedDict)
    attempts: dict[str, int] = field(default_factory=dict)
    dead: list[DeadLetter] = field(default_factory=list)


@dataclass
class _Stream:
    first_seq: int = 0
    entries: list[LogEntry] = field(default_factory=list)
    groups: dict[str, _Group] = field(default_factory=dict)
    grown: asyncio.Event = field(default_factory=asyncio.Event)


class MemoryLog:
    def __init__(self) -> None:
        self._streams: dict[str, _Stream] = {}
        self._ids = itertools.count(1)
        self._once: dict[str, float] = {}

    def _stream(self, name: str) -> _Stream:
        # (setdefault would build a _Stream, with its Event, list and dict, on every call)
        found = self._streams.get(name)
        if found is None:
            found = self._streams[name] = _Stream()
        return found

    async def append(self, stream: str, record: dict[str, Any]) -> str:
        target = self._stream(stream)
        entry_id = f"{next(self._ids)}-0"
        target.entries.append(LogEntry(stream, entry_id, str(record.get("id") or entry_id),
                                       record))
        excess = len(target.entries) - MAX_LENGTH
        if excess > TRIM_SLACK:
            del target.entries[:excess]
            target.first_seq += excess
        target.grown.set()
        return entry_id

    async def ensure_group(self, stream: str, group: str) -> None:
        target = self._stream(stream)
        if group not in target.groups:  # a new group starts after what is already there
            target.groups[group] = _Group(next_seq=target.first_seq + len(target.entries))

    async def read(self, stream: str, group: str, consumer: str, *, count: int,
                   block_ms: int, lease: float) -> list[LogEntry]:
        target = self._stream(stream)
        state = target.groups[group]
        now = time.monotonic()
        taken = [p.entry for p in state.pending.values() if p.consumer == consumer
                 or now - p.since > lease][:count]
        if not taken:
            if state.next_seq >= target.first_seq + len(target.entries):
                target.grown.clear()
                try:
                    async with asyncio.timeout(block_ms / 1000):
                        await target.grown.wait()
                except TimeoutError:
                    return []
            start = max(state.next_seq - target.first_seq, 0)
            taken = target.entries[start:start + count]
            state.next_seq = target.first_seq + start + len(taken)
        for entry in taken:
            state.pending[entry.entry_id] = _Pending(consumer, time.monotonic(), entry)
        return taken

    async def attempt(self, entry: LogEntry, group: str) -> int:
        attempts = self._stream(entry.stream).groups[group].attempts
        attempts[entry.entry_id] = attempts.get(entry.entry_id, 0) + 1
        return attempts[entry.entry_id]

    async def ack(self, entry: LogEntry, group: str) -> None:
        state = self._stream(entry.stream).groups[group]
        state.pending.pop(entry.entry_id, None)
        state.attempts.pop(entry.entry_id, None)

    async def touch(self, entries: list[LogEntry], group: str, consumer: str) -> None:
        state = self._stream(entries[0].stream).groups[group] if entries else None
        for entry in entries:
            if state is not None and entry.entry_id in state.pending:
                state.pending[entry.entry_id] = _Pending(consumer, time.monotonic(), entry)

    async def bury(self, entry: LogEntry, group: str, error: str, attempts: int) -> None:
        state = self._stream(entry.stream).groups[group]
        state.dead.append(DeadLetter(entry.stream, group, entry.key, entry.record, error,
                                     attempts, utcnow().isoformat()))
        await self.ack(entry, group)

    async def dead_letters(self, stream: str, group: str) -> list[DeadLetter]:
        state = self._stream(stream).groups.get(group)
        return list(state.dead) if state else []

    async def retry_dead(self, stream: str, group: str, key: str | None = None) -> int:
        state = self._stream(stream).groups.get(group)
        if state is None:
            return 0
        chosen = [d for d in state.dead if key is None or d.key == key]
        state.dead = [d for d in state.dead if d not in chosen]
        for letter in chosen:
            await self.append(stream, {**letter.record, "for_group": group})
        return len(chosen)

    async def stats(self) -> list[GroupStats]:
        return [GroupStats(name, group, len(s.entries), len(g.pending),
                           s.first_seq + len(s.entries) - g.next_seq, len(g.dead))
                for name, s in self._streams.items() for group, g in s.groups.items()]

    async def once(self, name: str, ttl: float) -> bool:
        now = time.monotonic()
        if self._once.get(name, 0) > now:
            return False
        self._once[name] = now + ttl
        return True

    async def close(self) -> None:
        return None
