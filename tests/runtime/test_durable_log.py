"""The durable log's semantics, the same on Redis Streams and on the in-process stand-in:
groups each see every entry once, failures are retried with backoff and then buried, dead
letters are listed and handed back to their group only."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest

from domain.adapters.memory_log import MemoryLog
from domain.adapters.redis_log import RedisLog
from domain.jobs import Consumer, ConsumerOptions, RetryPolicy
from domain.ports import DurableLog, LogEntry

FAST = ConsumerOptions(retry=RetryPolicy(max_attempts=3, base_delay=0.01), lease=5.0,
                       block_ms=50)


@pytest.fixture(params=["memory", "redis"])
async def streams(request: pytest.FixtureRequest, redis_url: str) -> AsyncIterator[DurableLog]:
    log: DurableLog = (MemoryLog() if request.param == "memory"
                       else RedisLog(redis_url, prefix=f"test-{uuid.uuid4().hex[:10]}"))
    yield log
    await log.close()


class Recorder:
    """A handler that fails its first ``failures[key]`` attempts at each entry."""

    def __init__(self, failures: dict[str, int] | None = None) -> None:
        self.failures = failures or {}
        self.attempts: dict[str, int] = {}
        self.done: list[str] = []

    async def __call__(self, entry: LogEntry) -> None:
        self.attempts[entry.key] = self.attempts.get(entry.key, 0) + 1
        if self.attempts[entry.key] <= self.failures.get(entry.key, 0):
            raise RuntimeError(f"failure {self.attempts[entry.key]} of {entry.key}")
        self.done.append(entry.key)


async def run_until(consumers: list[Consumer], condition: Any, within: float = 10) -> None:
    tasks = [asyncio.create_task(c.run()) for c in consumers]
    try:
        async with asyncio.timeout(within):
            while not condition():
                await asyncio.sleep(0.01)
    finally:
        for consumer in consumers:
            consumer.stop()
        await asyncio.gather(*tasks, return_exceptions=True)


async def test_each_group_sees_every_entry_once_in_order(streams: DurableLog) -> None:
    notifier, telegram = Recorder(), Recorder()
    for group in ("notifier", "telegram"):
        await streams.ensure_group("events", group)
    for n in range(20):
        await streams.append("events", {"id": f"e{n}", "n": n})
    consumers = [Consumer(streams, "events", "notifier", "a", notifier, FAST),
                 Consumer(streams, "events", "telegram", "b", telegram, FAST)]
    await run_until(consumers, lambda: len(notifier.done) == len(telegram.done) == 20)
    assert notifier.done == telegram.done == [f"e{n}" for n in range(20)]
    late = Recorder()  # a group created now starts after what is already there
    await streams.ensure_group("events", "late")
    await streams.append("events", {"id": "e20"})
    await run_until([Consumer(streams, "events", "late", "c", late, FAST)],
                    lambda: late.done == ["e20"])


async def test_a_job_that_fails_twice_succeeds_on_its_third_try(streams: DurableLog) -> None:
    handler = Recorder({"flaky": 2})
    await streams.ensure_group("jobs", "worker")
    await streams.append("jobs", {"id": "flaky", "job": "x"})
    await streams.append("jobs", {"id": "after", "job": "x"})
    await run_until([Consumer(streams, "jobs", "worker", "w", handler, FAST)],
                    lambda: handler.done == ["flaky", "after"])
    assert handler.attempts == {"flaky": 3, "after": 1}
    assert await streams.dead_letters("jobs", "worker") == []
    [stats] = [s for s in await streams.stats() if s.group == "worker"]
    assert (stats.pending, stats.lag, stats.dead) == (0, 0, 0)


async def test_a_job_that_always_fails_is_buried_and_can_be_retried(streams: DurableLog) -> None:
    handler = Recorder({"doomed": 99})
    for group in ("worker", "other"):
        await streams.ensure_group("jobs", group)
    await streams.append("jobs", {"id": "doomed", "job": "x"})
    await streams.append("jobs", {"id": "fine", "job": "x"})
    other = Recorder()
    consumers = [Consumer(streams, "jobs", "worker", "w", handler, FAST),
                 Consumer(streams, "jobs", "other", "o", other, FAST)]
    await run_until(consumers, lambda: handler.done == ["fine"] and len(other.done) == 2)
    [letter] = await streams.dead_letters("jobs", "worker")
    assert letter.key == "doomed" and letter.attempts == 3
    assert "RuntimeError: failure 3 of doomed" in letter.error
    [stats] = [s for s in await streams.stats() if s.group == "worker"]
    assert stats.dead == 1

    handler.failures.clear()  # whatever broke it was fixed
    assert await streams.retry_dead("jobs", "worker", "doomed") == 1
    await run_until(consumers, lambda: handler.done == ["fine", "doomed"])
    await asyncio.sleep(0.1)
    assert other.done == ["doomed", "fine"]  # the retry was for "worker" only
    assert await streams.dead_letters("jobs", "worker") == []


async def test_an_abandoned_entry_is_taken_over_after_its_lease(streams: DurableLog) -> None:
    await streams.ensure_group("jobs", "worker")
    await streams.append("jobs", {"id": "stuck", "job": "x"})
    [taken] = await streams.read("jobs", "worker", "crashed", count=10, block_ms=50, lease=0.2)
    assert taken.key == "stuck"  # ...and "crashed" never acknowledges it
    handler = Recorder()
    options = ConsumerOptions(retry=FAST.retry, lease=0.2, block_ms=50)
    await run_until([Consumer(streams, "jobs", "worker", "rescuer", handler, options)],
                    lambda: handler.done == ["stuck"])


async def test_the_in_process_log_trims_its_oldest_entries_in_chunks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import domain.adapters.memory_log as memory_log

    monkeypatch.setattr(memory_log, "MAX_LENGTH", 10)
    monkeypatch.setattr(memory_log, "TRIM_SLACK", 3)
    log = MemoryLog()
    await log.ensure_group("s", "g")
    lengths = []
    for i in range(30):
        await log.append("s", {"id": f"k{i}"})
        lengths.append((await log.stats())[0].length)
    # Up to MAX_LENGTH + TRIM_SLACK entries, then cut back to MAX_LENGTH in one go.
    assert max(lengths) == 13 and lengths[13] == 10
    read = await log.read("s", "g", "c", count=100, block_ms=10, lease=5.0)
    # The group had read nothing: it resumes at the oldest entry still kept, in order.
    assert [e.key for e in read] == [f"k{i}" for i in range(30 - lengths[-1], 30)]
