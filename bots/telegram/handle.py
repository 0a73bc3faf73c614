"""What ``setup`` built for one process: the Bot, its Dispatcher and its delivery consumer."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram import Bot, Dispatcher

from domain.jobs import Consumer
from openchance.settings import Settings


@dataclass
class TelegramBot:
    bot: Bot
    dispatcher: Dispatcher
    delivery: Consumer
    settings: Settings

    async def drain(self, within: float = 10.0) -> None:
        """Wait until every event so far was delivered (tests, and a clean shutdown)."""
        await self.delivery.drain(within)

    async def close(self) -> None:
        await self.bot.session.close()
        await self.dispatcher.storage.close()
