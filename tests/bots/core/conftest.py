"""The core on the in-memory domain, with a recording platform hearing the domain's events."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bots.core import delivery
from bots.core.caller import Caller, identify
from bots.core.outbox import Outbox
from domain.deps import Deps
from tests.bots.core.recording_platform import RecordingPlatform


class Chat:
    """One platform as the core sees it: people on it, and what reached them."""

    def __init__(self, deps: Deps, platform: RecordingPlatform) -> None:
        self.deps, self.platform = deps, platform
        self.outbox = Outbox(platform.platform)
        delivery.subscribe(deps.bus, delivery.Delivery(platform), self.outbox.spawn)

    async def person(self, external_id: str, name: str) -> Caller:
        return await identify(self.deps, self.platform.platform, external_id, name, None,
                              self.platform.commands)

    async def settle(self) -> None:
        await self.outbox.drain()


@pytest.fixture
async def chat(deps: Deps, storage: object) -> AsyncIterator[Chat]:
    on = Chat(deps, RecordingPlatform())
    yield on
    await on.settle()
