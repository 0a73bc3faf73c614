"""Work still running after ``ack()``: Bolt answers Slack as soon as a listener acknowledges
and lets the listener go on. Counting that work lets a clean shutdown (and a test) wait for
it instead of cutting it off."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class Pending:
    def __init__(self) -> None:
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @contextlib.asynccontextmanager
    async def busy(self) -> AsyncIterator[None]:
        self._running += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._running -= 1
            if not self._running:
                self._idle.set()

    async def settle(self, within: float = 10.0) -> None:
        """Until nothing runs (or ``within`` seconds pass)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), within)
