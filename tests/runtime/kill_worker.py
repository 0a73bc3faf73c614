"""``python -m tests.runtime.kill_worker``: a worker process (the real runtime, the real Redis
log, the real jobs consumer) whose one job is slow, for the SIGKILL test.

The job records each start, sleeps, then makes its effect once: the effect and its receipt are
written in one Redis transaction guarded by the receipt, the pattern every handler follows."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import redis.asyncio as redis

import workers
from domain.deps import Deps
from domain.jobs import JOBS, ConsumerOptions, RetryPolicy
from openchance.runtime import runtime
from openchance.settings import Settings
from workers.jobs import job_handler


async def main() -> None:
    settings = Settings()
    assert settings.redis_url
    client = redis.from_url(settings.redis_url)
    prefix = settings.redis_prefix
    sleep = float(os.environ.get("JOB_SECONDS", "1"))

    async def slow_effect(deps: Deps, key: str) -> None:
        await client.rpush(f"{prefix}:started", key)
        await asyncio.sleep(sleep)
        async with client.pipeline(transaction=True) as pipe:
            while True:
                try:
                    await pipe.watch(f"{prefix}:receipt:{key}")
                    if await pipe.exists(f"{prefix}:receipt:{key}"):
                        return
                    pipe.multi()
                    pipe.set(f"{prefix}:receipt:{key}", b"1")
                    pipe.rpush(f"{prefix}:effects", key)
                    await pipe.execute()
                    return
                except redis.WatchError:
                    continue

    def setup(rt: Any) -> None:
        handle = job_handler(rt.deps, {})

        async def on_entry(entry: Any) -> None:
            if entry.record.get("job") == "slow_effect":
                await slow_effect(rt.deps, entry.key)
            else:
                await handle(entry)

        rt.consume(JOBS, workers.GROUP, on_entry)

    options = ConsumerOptions(retry=RetryPolicy(max_attempts=5, base_delay=0.05), lease=30,
                              block_ms=100)
    async with runtime(settings, "worker", options=options, setup=setup):
        await client.set(f"{prefix}:ready", b"1")
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
