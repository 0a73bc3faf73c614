"""A job that always fails lands in the dead letters, is visible from `openchance worker
--dead` and `--list`, and `--retry` hands it back to its group."""

from __future__ import annotations

import asyncio
import os
import sys

from domain.adapters.redis_log import RedisLog
from domain.jobs import JOBS, Consumer, ConsumerOptions, RetryPolicy, enqueue_job
from domain.ports import LogEntry
from openchance.settings import Settings


async def cli(settings: Settings, *args: str) -> tuple[int, str]:
    env = {**os.environ, "REDIS_URL": settings.redis_url or "",
           "REDIS_PREFIX": settings.redis_prefix}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "openchance.cli", "worker", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(process.communicate(), 120)
    return process.returncode or 0, out.decode()


async def test_dead_letters_from_the_command_line(prefix_settings: Settings) -> None:
    log = RedisLog(prefix_settings.redis_url or "", prefix=prefix_settings.redis_prefix)
    await log.ensure_group(JOBS, "worker")
    await enqueue_job(log, "auto_refund", key="doomed-job")

    async def always_fails(entry: LogEntry) -> None:
        raise ConnectionError("the gateway is down")

    options = ConsumerOptions(retry=RetryPolicy(max_attempts=3, base_delay=0.01), block_ms=50)
    consumer = Consumer(log, JOBS, "worker", "w", always_fails, options)
    task = asyncio.create_task(consumer.run())
    async with asyncio.timeout(30):
        while not await log.dead_letters(JOBS, "worker"):
            await asyncio.sleep(0.02)
    consumer.stop()
    await task

    code, listed = await cli(prefix_settings, "--list")
    assert code == 0 and "jobs" in listed and "worker" in listed
    [row] = [line.split() for line in listed.splitlines() if line.startswith("jobs ")]
    assert row[-1] == "1"  # one dead letter
    code, dead = await cli(prefix_settings, "--dead")
    assert code == 0 and "doomed-job" in dead and "auto_refund" in dead
    assert "after 3 attempt(s)" in dead and "ConnectionError: the gateway is down" in dead

    code, retried = await cli(prefix_settings, "--retry", "doomed-job")
    assert code == 0 and "1 dead letter(s) handed back." in retried
    assert await log.dead_letters(JOBS, "worker") == []
    [entry] = await log.read(JOBS, "worker", "w2", count=10, block_ms=50, lease=30)
    assert entry.key == "doomed-job" and entry.record["job"] == "auto_refund"
    code, _ = await cli(prefix_settings, "--retry", "nothing-by-that-name")
    assert code == 1
    await log.close()
