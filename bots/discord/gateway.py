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

from bots.core import delivery
from openchance.runtime import Runtime, runtime
from openchance.settings import Settings

if TYPE_CHECKING:
    from bots.discord.bot import OpenChanceBot

log = logging.getLogger(__name__)
GROUP = "discord"


async def run_gateway(settings: Settings) -> int:
    if not settings.discord_bot_token:
        log.error("DISCORD_BOT_TOKEN is not set; there is no bot to run")
        return 2
    from bots.discord.bot import build_bot

    if not settings.mongodb_url:
        log.warning("MONGODB_URL is unset: this bot has its own in-memory store, separate from "
                    "any `openchance serve`. Point both at the same MongoDB to share one.")
    built: list[OpenChanceBot] = []

    def setup(rt: Runtime) -> None:
        bot = build_bot(rt.deps, settings, deliver_in_process=False)
        rt.consume_events(GROUP, delivery.Delivery(bot.platform).handle)
        built.append(bot)

    async with runtime(settings, "bot discord", setup=setup):
        bot = built[0]
        loop = asyncio.get_running_loop()
        for stop in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop, lambda: asyncio.ensure_future(bot.close()))
        async with bot:
            await bot.start(settings.discord_bot_token)
    return 0
