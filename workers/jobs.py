"""The worker's jobs and their schedule.

Each job is one domain function of ``deps``, safe to run twice or on two workers at once
(every step inside is a conditional update). The schedule turns time into entries of the
durable ``jobs`` stream, one per job and time slot however many workers run, and the
``worker`` group handles them with retries and dead letters like any other entry.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from domain.deps import Deps
from domain.jobs import enqueue_job
from domain.ports import DurableLog, LogEntry
from domain.services.deadlines import expire_overdue, remind_upcoming
from domain.services.escrow_reconciliation import reconcile
from domain.services.escrow_recovery import recover_operations
from domain.services.escrow_settlement import auto_refund_stale
from domain.services.offline_delivery import deliver_due_digests

log = logging.getLogger(__name__)

Job = Callable[[Deps], Awaitable[Any]]
JOBS: dict[str, Job] = {
    "auto_refund": auto_refund_stale,
    "expire_deadlines": expire_overdue,
    "remind_deadlines": remind_upcoming,
    # Mail digests of what people missed while away (domain/services/offline_delivery.py).
    "deliver_digests": deliver_due_digests,
    # Money safety: finish or release decisions a crash left open; ledger against gateway.
    "recover_money": recover_operations,
    "reconcile_money": reconcile,
}
# Seconds between runs of each scheduled job.
SCHEDULE: dict[str, float] = {
    "auto_refund": 300.0,
    "expire_deadlines": 60.0,
    "remind_deadlines": 300.0,
    "deliver_digests": 60.0,
    "recover_money": 300.0,
    "reconcile_money": 900.0,
}
FIRST_RUN_DELAY_SECONDS = 5.0


def job_handler(deps: Deps, jobs: dict[str, Job] | None = None
                ) -> Callable[[LogEntry], Awaitable[None]]:
    table = JOBS if jobs is None else jobs

    async def handle(entry: LogEntry) -> None:
        kind = entry.record.get("job")
        job = table.get(str(kind))
        if job is None:
            raise LookupError(f"no job named {kind!r}")
        result = await job(deps)
        if result:
            log.info("job %s (%s): %s", kind, entry.key, result)

    return handle


async def run_schedule(streams: DurableLog, schedule: dict[str, float] | None = None,
                       first_delay: float = FIRST_RUN_DELAY_SECONDS) -> None:
    """Enqueue each job once per slot of its interval, until cancelled. Several workers may
    run this: ``once`` lets one of them enqueue each slot."""
    plan = SCHEDULE if schedule is None else schedule
    await asyncio.sleep(first_delay)
    while True:
        now = time.time()
        for kind, interval in plan.items():
            slot = int(now // interval)
            try:
                if await streams.once(f"tick:{kind}:{slot}", ttl=interval * 2):
                    await enqueue_job(streams, kind, key=f"{kind}:{slot}")
            except Exception as exc:  # Redis away: the next tick tries again
                log.warning("could not schedule %s: %s", kind, exc)
        await asyncio.sleep(min(plan.values(), default=60.0) / 4 if plan else 60.0)
