"""Stopping a runtime ends every task it started, also one that lost its cancellation (as
Python 3.11's ``asyncio.wait_for`` loses one that lands just as a Redis write completes)."""

from __future__ import annotations

import asyncio
from typing import Any

from openchance.runtime import Runtime, runtime
from tests.runtime.conftest import isolated_settings


async def test_stop_ends_a_task_that_lost_its_first_cancel(storage: Any) -> None:
    ended = asyncio.Event()
    lost: list[str] = []

    async def background_job() -> None:
        try:
            while True:
                try:
                    await asyncio.sleep(0.01)
                except asyncio.CancelledError:
                    if lost:
                        raise
                    lost.append("first cancel")  # what wait_for does on 3.11: carry on
        finally:
            ended.set()

    def setup(rt: Runtime) -> None:
        rt.background(background_job, "loses-a-cancel")

    async def start_and_stop() -> None:
        async with runtime(isolated_settings(None), "seed", storage=storage, setup=setup):
            await asyncio.sleep(0.05)

    whole = asyncio.create_task(start_and_stop())
    finished, _ = await asyncio.wait({whole}, timeout=5)
    if whole not in finished:
        whole.cancel()  # (a second cancel ends the job) so the failure below is reported
        await asyncio.wait({whole})
    assert whole in finished, "the runtime did not stop"
    whole.result()
    assert lost == ["first cancel"]
    assert ended.is_set()
