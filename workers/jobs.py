"""Periodic jobs run inside ``openchance serve`` (embedded mode has no separate worker).

``openchance worker`` runs the same jobs against a shared MongoDB (workers/runner.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from domain.deps import Deps
from domain.services.escrow_reconciliation import reconcile
from domain.services.escrow_recovery import recover_operations
from domain.services.escrow_settlement import auto_refund_stale
from domain.services.offline_delivery import deliver_due_digests

log = logging.getLogger(__name__)
FIRST_RUN_DELAY_SECONDS = 5.0
JOB_INTERVAL_SECONDS = 300.0
DIGEST_INTERVAL_SECONDS = 60.0


async def run_periodic_jobs(deps: Deps, interval: float = JOB_INTERVAL_SECONDS,
                            first_delay: float = FIRST_RUN_DELAY_SECONDS) -> None:
    """Refund stale escrows every ``interval`` seconds until cancelled; a failing run is
    logged and the next one tries again."""
    await asyncio.sleep(first_delay)
    while True:
        try:
            refunded = await auto_refund_stale(deps)
            if refunded:
                log.info("auto-refunded %d stale escrow(s): %s", len(refunded), refunded)
        except Exception:
            log.exception("the auto-refund job failed; retrying in %s s", interval)
        await run_money_jobs(deps)
        await asyncio.sleep(interval)


async def run_digest_jobs(deps: Deps, interval: float = DIGEST_INTERVAL_SECONDS) -> None:
    """Mail digests of what people missed while away (domain/services/offline_delivery.py)."""
    while True:
        await asyncio.sleep(interval)
        try:
            sent = await deliver_due_digests(deps)
            if sent:
                log.info("mailed %d digest(s) of missed messages and notifications", sent)
        except Exception:
            log.exception("the digest job failed; retrying in %s s", interval)


async def run_money_jobs(deps: Deps) -> None:
    """Money safety: finish or release unfinished decisions, then compare ledger and gateway."""
    for name, job in (("recovery", recover_operations), ("reconciliation", reconcile)):
        try:
            report = await job(deps)
            log.info("money %s: %s", name, report)
        except Exception:
            log.exception("the money %s job failed; the next run tries again", name)


@contextlib.asynccontextmanager
async def in_process_jobs(deps: Deps, interval: float = JOB_INTERVAL_SECONDS,
                          first_delay: float = FIRST_RUN_DELAY_SECONDS) -> AsyncIterator[None]:
    tasks = [asyncio.create_task(run_periodic_jobs(deps, interval, first_delay),
                                 name="openchance-jobs"),
             asyncio.create_task(run_digest_jobs(deps), name="openchance-digests")]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
