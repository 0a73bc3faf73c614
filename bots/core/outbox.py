"""Background deliveries: a domain event must not wait on a chat platform (a rate limit can
ask for seconds), so deliveries run as tasks that are kept, logged when they fail, and
drained on shutdown. Used until deliveries run on the durable job queue."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

log = logging.getLogger(__name__)


class Outbox:
    def __init__(self, name: str = "chat") -> None:
        self.name = name
        self._tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, job: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(job)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("%s delivery failed", self.name, exc_info=task.exception())

    async def drain(self) -> None:
        """Wait until every delivery (including ones that deliveries started) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
