"""Long-polling mode: ``openchance bot telegram`` runs the bot as its own process."""

from __future__ import annotations

import contextlib
import logging

from domain.adapters.event_relay import relayed_events
from domain.adapters.socket_push import socket_emitter, subscribe_socket_pushes
from domain.bootstrap import build_deps
from domain.settings import Settings
from domain.storage import close_storage, open_storage

log = logging.getLogger(__name__)


async def run_polling(settings: Settings) -> int:
    if not settings.telegram_bot_token:
        log.error("TELEGRAM_BOT_TOKEN is not set; there is no bot to run")
        return 2
    from bots.telegram.bot import wire

    if not settings.mongodb_url:
        log.warning("MONGODB_URL is unset: this bot has its own in-memory store, separate from "
                    "any `openchance serve`. To share one store, set TELEGRAM_BOT_TOKEN on "
                    "`openchance serve` instead, or point both at the same MongoDB.")

    storage = await open_storage(settings.mongodb_url, settings.mongodb_database)
    deps = build_deps(settings)
    bot, dispatcher, outbox = wire(deps, settings, remote_events=bool(settings.redis_url))
    try:
        async with contextlib.AsyncExitStack() as stack:
            if settings.redis_url:
                # Events of `serve` nodes reach this bot (DMs, cards), and this bot's events
                # reach their sockets through a write-only Socket.IO manager.
                await stack.enter_async_context(
                    relayed_events(deps.bus, settings.redis_url, listen=True))
                subscribe_socket_pushes(deps.bus, socket_emitter(settings.redis_url))
            else:
                log.warning("REDIS_URL is unset: this bot hears only its own events, so actions "
                            "taken on the web reach no Telegram DM.")
            # Polling and a webhook exclude each other on Telegram's side.
            await bot.delete_webhook(drop_pending_updates=False)
            await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=False)
    finally:
        await outbox.drain()
        await bot.session.close()
        await dispatcher.storage.close()
        await close_storage(storage)
    return 0
