"""Helpers shared by the runtime tests: people with a web account and a linked Telegram chat,
and the escrow flow driven through the domain services of one process."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import bots.telegram
from domain.deps import Deps
from domain.services import accounts
from openchance.runtime import Runtime


@dataclass
class Member:
    id: str
    token: str
    chat: int


async def member(deps: Deps, name: str, chat: int) -> Member:
    token, user = await accounts.register(deps, {
        "email": f"{name}-{uuid.uuid4().hex[:8]}@example.org",
        "password": "correct horse battery", "display_name": name})
    code = await accounts.create_link_code(deps, user.id)
    await accounts.redeem_link_code(deps, "telegram", str(chat), code)
    return Member(user.id, token, chat)


class BotProcess:
    """What ``openchance bot telegram`` sets up, minus polling (only deliveries matter)."""

    def __init__(self) -> None:
        self.handle: bots.telegram.TelegramBot | None = None

    def __call__(self, rt: Runtime) -> None:
        self.handle = bots.telegram.setup(rt)

    async def drain(self) -> None:
        assert self.handle is not None
        await self.handle.drain(within=30)

    async def close(self) -> None:
        if self.handle is not None:
            await self.handle.close()


def texts(calls: list[Any]) -> list[str]:
    return [call.text for call in calls]
