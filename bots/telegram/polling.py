"""Long-polling mode: ``openchance bot telegram`` runs the bot as its own process.

It shares MONGODB_URL and REDIS_URL with the ``serve`` nodes: what happens anywhere reaches it
through the event log's ``telegram`` group (also what happened while it was down), and what
happens in it reaches web sockets through the write-only Redis manager."""

from __future__ import annotations

import logging

import bots.telegram
from openchance.runtime import runtime
from openchance.settings import Settings

log = logging.getLogger(__name__)


async def run_polling(settings: Settings) -> int:
    if not settings.telegram_bot_token:
        log.error("TELEGRAM_BOT_TOKEN is not set; there is no bot to run")
        return 2
    if not settings.mongodb_url:
        log.warning("MONGODB_URL is unset: this bot has its own in-memory store, separate from "
                    "any `openchance serve`. To share one store, set TELEGRAM_BOT_TOKEN on "
                    "`openchance serve` instead, or point both at the same MongoDB.")
    handle: list[bots.telegram.TelegramBot] = []
    async with runtime(settings, "bot telegram",
                       setup=lambda rt: handle.append(bots.telegram.setup(rt))):
        telegram = handle[0]
        try:
            # Polling and a webhook exclude each other on Telegram's side.
            await telegram.bot.delete_webhook(drop_pending_updates=False)
            await telegram.dispatcher.start_polling(telegram.bot, handle_signals=True,
                                                    close_bot_session=False)
        finally:
            await telegram.close()
    return 0
