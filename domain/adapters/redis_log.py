"""The durable log on Redis Streams: one stream per log, one consumer group per kind of
consumer, acknowledgements, XAUTOCLAIM for entries a dead consumer left, a dead-letter stream
per group.

Why Streams directly rather than arq, saq or taskiq: what we need is a log with several
independent readers (the notifier, each bot platform, the indexer all read every event, each
at its own pace, resuming after downtime). That is exactly a consumer group; task queues hand
each job to one worker and would need one queue per reader plus a fan-out step of our own.
"""

from __future__ import annotations

from typing import Any

import orjson
import redis.asyncio as redis
from redis.exceptions import ResponseError

from domain.models.common import utcnow
from domain.ports import DeadLetter, GroupStats, LogEntry

MAX_LENGTH = 100_000


class RedisLog:
    def __init__(self, redis_url: str, *, prefix: str = "openchance") -> None:
        self._redis = redis.from_url(redis_url)
        self.prefix = prefix

    def _key(self, stream: str) -> str:
        return f"{self.prefix}:stream:{stream}"

    def _dead_key(self, stream: str, group: str) -> str:
        return f"{self.prefix}:dead:{stream}:{group}"

    def _attempts_key(self, stream: str, group: str) -> str:
        return f"{self.prefix}:attempts:{stream}:{group}"

    async def append(self, stream: str, record: dict[str, Any]) -> str:
        entry_id = await self._redis.xadd(self._key(stream), {"r": orjson.dumps(record)},
                                          maxlen=MAX_LENGTH, approximate=True)
        return entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)

    async def ensure_group(self, stream: str, group: str) -> None:
        try:
            await self._redis.xgroup_create(self._key(stream), group, id="$", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def _entries(self, stream: str, raw: list[Any]) -> tuple[list[LogEntry], list[bytes]]:
        """Decoded entries, and the ids of ones trimmed away meanwhile (to acknowledge)."""
        entries, gone = [], []
        for entry_id, fields in raw:
            if not fields or b"r" not in fields:
                gone.append(entry_id)
                continue
            record = orjson.loads(fields[b"r"])
            text_id = entry_id.decode()
            entries.append(LogEntry(stream, text_id, str(record.get("id") or text_id), record))
        return entries, gone

    async def read(self, stream: str, group: str, consumer: str, *, count: int,
                   block_ms: int, lease: float) -> list[LogEntry]:
        key = self._key(stream)
        # redis-py's response types are unions of every shape a command can return.
        own: Any = await self._redis.xreadgroup(group, consumer, {key: "0"}, count=count)
        raw = own[0][1] if own else []
        if not raw:
            claimed: Any = await self._redis.xautoclaim(key, group, consumer,
                                                   min_idle_time=int(lease * 1000),
                                                   start_id="0-0", count=count)
            raw = claimed[1]
        if not raw:
            new: Any = await self._redis.xreadgroup(group, consumer, {key: ">"}, count=count,
                                               block=block_ms)
            raw = new[0][1] if new else []
        entries, gone = self._entries(stream, raw)
        if gone:
            await self._redis.xack(key, group, *gone)
        return entries

    async def attempt(self, entry: LogEntry, group: str) -> int:
        return int(await self._redis.hincrby(self._attempts_key(entry.stream, group),
                                             entry.entry_id, 1))

    async def ack(self, entry: LogEntry, group: str) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xack(self._key(entry.stream), group, entry.entry_id)
            pipe.hdel(self._attempts_key(entry.stream, group), entry.entry_id)
            await pipe.execute()

    async def touch(self, entries: list[LogEntry], group: str, consumer: str) -> None:
        if entries:
            await self._redis.xclaim(self._key(entries[0].stream), group, consumer, 0,
                                     [e.entry_id for e in entries], justid=True)

    async def bury(self, entry: LogEntry, group: str, error: str, attempts: int) -> None:
        letter = {"stream": entry.stream, "group": group, "key": entry.key,
                  "record": entry.record, "error": error[:2000], "attempts": attempts,
                  "failed_at": utcnow().isoformat()}
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.xadd(self._dead_key(entry.stream, group), {"d": orjson.dumps(letter)})
            pipe.xack(self._key(entry.stream), group, entry.entry_id)
            pipe.hdel(self._attempts_key(entry.stream, group), entry.entry_id)
            await pipe.execute()

    async def _dead(self, stream: str, group: str) -> list[tuple[bytes, DeadLetter]]:
        raw: Any = await self._redis.xrange(self._dead_key(stream, group))
        return [(entry_id, DeadLetter(**orjson.loads(fields[b"d"]))) for entry_id, fields in raw]

    async def dead_letters(self, stream: str, group: str) -> list[DeadLetter]:
        return [letter for _, letter in await self._dead(stream, group)]

    async def retry_dead(self, stream: str, group: str, key: str | None = None) -> int:
        retried = 0
        for entry_id, letter in await self._dead(stream, group):
            if key is not None and letter.key != key:
                continue
            # Back on the stream for this group only: the other groups already handled it.
            await self.append(stream, {**letter.record, "for_group": group})
            await self._redis.xdel(self._dead_key(stream, group), entry_id)
            retried += 1
        return retried

    async def stats(self) -> list[GroupStats]:
        found = []
        async for raw_key in self._redis.scan_iter(match=f"{self.prefix}:stream:*"):
            key = raw_key.decode()
            stream = key.split(":stream:", 1)[1]
            length = await self._redis.xlen(key)
            for info in await self._redis.xinfo_groups(key):
                group = info["name"].decode() if isinstance(info["name"], bytes) else info["name"]
                dead = await self._redis.xlen(self._dead_key(stream, group))
                found.append(GroupStats(stream, group, int(length), int(info["pending"]),
                                        int(info.get("lag") or 0), int(dead)))
        return sorted(found, key=lambda s: (s.stream, s.group))

    async def once(self, name: str, ttl: float) -> bool:
        return bool(await self._redis.set(f"{self.prefix}:once:{name}", b"1", nx=True,
                                          px=max(1, int(ttl * 1000))))

    async def close(self) -> None:
        await self._redis.aclose()
