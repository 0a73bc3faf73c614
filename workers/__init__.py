"""Background work: the periodic jobs (auto-refund, deadline expiry, reminders) as consumers of
the durable ``jobs`` stream, and their schedule. ``setup(rt)`` attaches them to a process
(``openchance worker``, or ``openchance serve`` when everything is embedded)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from domain.adapters.ephemeral import open_ephemeral_store
from domain.jobs import JOBS as JOBS_STREAM
from workers.jobs import JOBS, SCHEDULE, job_handler, run_schedule
from workers.search import setup_search

if TYPE_CHECKING:
    from openchance.runtime import Runtime

GROUP = "worker"


def setup(rt: Runtime, *, schedule: bool = True,
          intervals: dict[str, float] | None = None, first_delay: float | None = None) -> None:
    """Handle the ``jobs`` stream in this process; with ``schedule``, also enqueue the jobs
    on their intervals (``intervals`` and ``first_delay`` override the defaults, for tests)."""
    rt.consume(JOBS_STREAM, GROUP, job_handler(rt.deps))
    setup_search(rt)  # the durable path into a shared search index (workers/search.py)
    if rt.deps.presence is None and rt.settings.redis_url:
        rt.enter(_shared_presence(rt, rt.settings.redis_url))
    if schedule:
        plan = SCHEDULE if intervals is None else intervals
        delay = first_delay

        async def scheduled() -> None:
            if delay is None:
                await run_schedule(rt.log, plan)
            else:
                await run_schedule(rt.log, plan, first_delay=delay)

        rt.background(scheduled, "schedule")


@contextlib.asynccontextmanager
async def _shared_presence(rt: Runtime, redis_url: str) -> AsyncIterator[None]:
    """Who is online, as the realtime nodes keep it in Redis: the digest job mails only
    people who are away."""
    store = open_ephemeral_store(redis_url)
    rt.deps.presence = store
    try:
        yield
    finally:
        rt.deps.presence = None
        await store.close()


__all__ = ["GROUP", "JOBS", "SCHEDULE", "setup"]
