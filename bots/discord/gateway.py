"""Gateway mode: ``openchance bot discord`` runs the bot as its own process, connected to
Discord's gateway (sharded automatically), until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from domain.adapters.event_relay import relayed_events
from domain.adapters.socket_push import socket_emitter, subscribe_socket_pushes
from domain.bootstrap import build_deps
from domain.settings import Settings
from domain.storage import close_storage, open_storage

log = logging.getLogger(__name__)


async def run_gateway(settings: Settings) -> int:
    if not settings.discord_bot_token:
        log.error("DISCORD_BOT_TOKEN is not set; there is no bot to run")
        return 2
    from bots.discord.bot import build_bot

    if not settings.mongodb_url:
        log.warning("MONGODB_URL is unset: this bot has its own in-memory store, separate from "
                    "any `openchance serve`. Point both at the same MongoDB to share one.")
    storage = await open_storage(settings.mongodb_url, settings.mongodb_database)
    deps = build_deps(settings)
    bot = build_bot(deps, settings, remote_events=bool(settings.redis_url))
    loop = asyncio.get_running_loop()
    for stop in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop, lambda: asyncio.ensure_future(bot.close()))
    try:
        async with contextlib.AsyncExitStack() as stack:
            if settings.redis_url:
                # Events of `serve` nodes reach this bot (DMs, cards); its events reach their
                # sockets through a write-only Socket.IO manager.
                await stack.enter_async_context(
                    relayed_events(deps.bus, settings.redis_url, listen=True))
                subscribe_socket_pushes(deps.bus, socket_emitter(settings.redis_url))
            else:
                log.warning("REDIS_URL is unset: this bot hears only its own events, so actions "
                            "taken on the web reach no Discord DM.")
            async with bot:
                await bot.start(settings.discord_bot_token)
    finally:
        await close_storage(storage)
    return 0
