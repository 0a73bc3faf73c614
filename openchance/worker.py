"""``openchance worker``: the jobs of the ``jobs`` stream and their schedule, against the
shared MongoDB; ``--list``, ``--dead`` and ``--retry`` look at (and mend) the durable log."""

from __future__ import annotations

import asyncio
import sys

import workers
from openchance.runtime import build_log, runtime
from openchance.settings import Settings


async def run_worker(settings: Settings) -> int:
    if not settings.mongodb_url:
        print("The worker shares state through MongoDB; set MONGODB_URL. "
              "In embedded mode `openchance serve` runs the jobs itself.", file=sys.stderr)
        return 2
    async with runtime(settings, "worker", setup=lambda rt: workers.setup(rt)):
        await asyncio.Event().wait()  # until interrupted
    return 0


async def inspect_queues(settings: Settings, *, show_dead: bool = False,
                         retry: str | None = None, group: str | None = None) -> int:
    if not settings.redis_url:
        print("The durable log lives in Redis; set REDIS_URL (embedded mode keeps it inside "
              "`openchance serve`).", file=sys.stderr)
        return 2
    log = build_log(settings)
    try:
        stats = [s for s in await log.stats() if group in (None, s.group)]
        if retry:
            count = 0
            for s in stats:
                count += await log.retry_dead(s.stream, s.group,
                                              None if retry == "all" else retry)
            print(f"{count} dead letter(s) handed back.")
            return 0 if count else 1
        if show_dead:
            for s in stats:
                for letter in await log.dead_letters(s.stream, s.group):
                    kind = letter.record.get("type") or letter.record.get("job")
                    print(f"{s.stream}/{s.group}  {letter.key}  {kind}  after "
                          f"{letter.attempts} attempt(s) at {letter.failed_at}: {letter.error}")
            return 0
        print(f"{'stream':<10} {'group':<12} {'length':>8} {'pending':>8} {'lag':>8} "
              f"{'dead':>6}")
        for s in stats:
            print(f"{s.stream:<10} {s.group:<12} {s.length:>8} {s.pending:>8} {s.lag:>8} "
                  f"{s.dead:>6}")
        return 0
    finally:
        await log.close()
