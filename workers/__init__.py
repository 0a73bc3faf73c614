"""Background work: the periodic jobs (auto-refund, deadline expiry, reminders) as consumers of
the durable ``jobs`` stream, and their schedule. ``setup(rt)`` attaches them to a process
(``openchance worker``, or ``openchance serve`` when everything is embedded)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.jobs import JOBS as JOBS_STREAM
from workers.jobs import JOBS, SCHEDULE, job_handler, run_schedule

if TYPE_CHECKING:
    from openchance.runtime import Runtime

GROUP = "worker"


def setup(rt: Runtime, *, schedule: bool = True,
          intervals: dict[str, float] | None = None, first_delay: float | None = None) -> None:
    """Handle the ``jobs`` stream in this process; with ``schedule``, also enqueue the jobs
    on their intervals (``intervals`` and ``first_delay`` override the defaults, for tests)."""
    rt.consume(JOBS_STREAM, GROUP, job_handler(rt.deps))
    if schedule:
        plan = SCHEDULE if intervals is None else intervals
        delay = first_delay

        async def scheduled() -> None:
            if delay is None:
                await run_schedule(rt.log, plan)
            else:
                await run_schedule(rt.log, plan, first_delay=delay)

        rt.background(scheduled, "schedule")


__all__ = ["GROUP", "JOBS", "SCHEDULE", "setup"]
