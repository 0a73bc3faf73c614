"""``openchance worker``: the periodic jobs, against the shared MongoDB.

In embedded mode ``openchance serve`` runs the same jobs in-process instead (workers/jobs.py).
"""

from __future__ import annotations

import sys

from domain.bootstrap import build_deps
from domain.settings import Settings
from domain.storage import close_storage, open_storage
from workers.jobs import run_periodic_jobs


async def run_worker(settings: Settings) -> int:
    if not settings.mongodb_url:
        print("The worker shares state through MongoDB; set MONGODB_URL. "
              "In embedded mode `openchance serve` runs the jobs itself.", file=sys.stderr)
        return 2
    client = await open_storage(settings.mongodb_url, settings.mongodb_database)
    try:
        await run_periodic_jobs(build_deps(settings), first_delay=0)
    finally:
        await close_storage(client)
    return 0
