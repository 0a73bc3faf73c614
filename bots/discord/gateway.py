"""Gateway mode: ``openchance bot discord`` runs the bot as its own process, connected to
Discord's gateway (sharded automatically), until stopped.

It shares MONGODB_URL and REDIS_URL with the ``serve`` nodes: what happens anywhere reaches it
through the event log's ``discord`` group (also what happened while it was down), and what
happens in it reaches web sockets through the write-only Redis manager."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING

from bots.discord import setup
from openchance.runtime import Runtime, runtime
from openchance.settings import Settings

if TYPE_CHECKING:
    from bots.discord.bot import OpenChanceBot

log = logging.getLogger(__name__)


async def run_gateway(settings: Settings) -> int:
    if not settings.discord_bot_token:
        log.error("DISCORD_BOT_TOKEN is not set; there is no bot to run")
        return 2
    if not settings.mongodb_url:
        log.warning("MONGODB_URL is unset: this bot has its own in-memory store, separate from "
                    "any `openchance serve`. Point both at the same MongoDB to share one.")
    if settings.discord_public_key:
        log.warning("DISCORD_PUBLIC_KEY is set: `openchance serve` answers interactions over "
                    "HTTP, and once the application's Interactions Endpoint URL points there "
                    "Discord sends none through this gateway process (it still delivers DMs)")
    built: list[OpenChanceBot] = []

    def build(rt: Runtime) -> None:
        built.append(setup(rt))

    async with runtime(settings, "bot discord", setup=build):
        bot = built[0]
        loop = asyncio.get_running_loop()
        for stop in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop, lambda: asyncio.ensure_future(bot.close()))
        async with bot:
            await bot.start(settings.discord_bot_token)
    return 0
