"""``openchance worker``: the periodic jobs, against the shared MongoDB.

In embedded mode ``openchance serve`` runs the same jobs in-process instead.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from domain.bootstrap import build_deps
from domain.services.escrow_settlement import auto_refund_stale
from domain.settings import Settings
from domain.storage import close_storage, open_storage

log = logging.getLogger(__name__)
JOB_INTERVAL_SECONDS = 300


async def run_jobs_once(settings: Settings) -> dict[str, int]:
    deps = build_deps(settings)
    refunded = await auto_refund_stale(deps)
    return {"auto_refunded": len(refunded)}


async def run_worker(settings: Settings, *, once: bool = False) -> int:
    if not settings.mongodb_url:
        print("The worker shares state through MongoDB; set MONGODB_URL. "
              "In embedded mode `openchance serve` runs the jobs itself.", file=sys.stderr)
        return 2
    client = await open_storage(settings.mongodb_url, settings.mongodb_database)
    try:
        while True:
            result = await run_jobs_once(settings)
            log.info("jobs ran: %s", result)
            if once:
                return 0
            await asyncio.sleep(JOB_INTERVAL_SECONDS)
    finally:
        await close_storage(client)
