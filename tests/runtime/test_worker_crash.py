"""A worker killed with SIGKILL in the middle of a job: after a restart the job completes once,
nothing is lost, nothing is done twice, and the jobs keep their order."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import redis.asyncio as redis

from domain.adapters.redis_log import RedisLog
from domain.jobs import JOBS, enqueue_job
from openchance.settings import Settings


async def start_worker(settings: Settings) -> asyncio.subprocess.Process:
    env = {**os.environ, "REDIS_URL": settings.redis_url or "",
           "REDIS_PREFIX": settings.redis_prefix, "OPENCHANCE_CONSUMER": "crash-test",
           "JOB_SECONDS": "0.6"}
    env.pop("MONGODB_URL", None)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.runtime.kill_worker", env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)


async def wait_until(condition, within: float = 60) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(within):
        while not await condition():
            await asyncio.sleep(0.02)


async def test_sigkill_mid_job_then_restart(prefix_settings: Settings) -> None:
    settings, prefix = prefix_settings, prefix_settings.redis_prefix
    client = redis.from_url(settings.redis_url or "")
    log = RedisLog(settings.redis_url or "", prefix=prefix)
    await log.ensure_group(JOBS, "worker")
    keys = [f"job-{n}" for n in range(5)]
    for key in keys:
        await enqueue_job(log, "slow_effect", key=key)

    worker = await start_worker(settings)
    try:
        # Killed while job-2 sleeps between its start and its effect.
        await wait_until(lambda: _started_includes(client, prefix, "job-2"))
        os.kill(worker.pid, signal.SIGKILL)
        await worker.wait()
        effects_at_kill = await _list(client, f"{prefix}:effects")
        assert "job-2" not in effects_at_kill and effects_at_kill == keys[:len(effects_at_kill)]

        worker = await start_worker(settings)
        await wait_until(lambda: _count(client, f"{prefix}:effects", len(keys)))
        await asyncio.sleep(0.3)  # room for a (wrong) second run to show up
        assert await _list(client, f"{prefix}:effects") == keys  # once each, in order
        started = await _list(client, f"{prefix}:started")
        assert started.count("job-2") == 2  # it really was interrupted and run again
        [stats] = [s for s in await log.stats() if s.group == "worker"]
        assert (stats.pending, stats.lag, stats.dead) == (0, 0, 0)
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
        await log.close()
        await client.aclose()


async def _list(client: redis.Redis, key: str) -> list[str]:
    return [item.decode() for item in await client.lrange(key, 0, -1)]


async def _started_includes(client: redis.Redis, prefix: str, key: str) -> bool:
    return key in await _list(client, f"{prefix}:started")


async def _count(client: redis.Redis, key: str, n: int) -> bool:
    return int(await client.llen(key)) >= n
