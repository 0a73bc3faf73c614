"""Webhook mode inside ``openchance serve``: Telegram POSTs updates to
``/api/v1/webhooks/telegram``; a request without the right X-Telegram-Bot-Api-Secret-Token
header gets 401 before anything is read."""

from __future__ import annotations

import hashlib
import hmac
import logging

from aiohttp import web

from domain.settings import Settings
from realtime.keys import DEPS, SETTINGS

log = logging.getLogger(__name__)
WEBHOOK_PATH = "/api/v1/webhooks/telegram"
# Typed slots for what this module put on the app (the Bot, Dispatcher and Outbox).
TELEGRAM = web.AppKey("telegram", object)


def webhook_secret(settings: Settings) -> str:
    """TELEGRAM_WEBHOOK_SECRET, or one derived from the token, so the check is never off and
    every node of a cluster derives the same one."""
    if settings.telegram_webhook_secret:
        return settings.telegram_webhook_secret
    assert settings.telegram_bot_token
    return hmac.new(settings.telegram_bot_token.encode(), b"openchance-telegram-webhook",
                    hashlib.sha256).hexdigest()


def setup_telegram(app: web.Application) -> None:
    """Mount the webhook route when TELEGRAM_BOT_TOKEN is set; otherwise do nothing."""
    settings = app[SETTINGS]
    if not settings.telegram_bot_token:
        return
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler

    from bots.telegram.bot import wire

    bot, dispatcher, outbox = wire(app[DEPS], settings)
    app[TELEGRAM] = (bot, dispatcher, outbox)
    secret = webhook_secret(settings)

    async def register_webhook(app: web.Application) -> None:
        # Only when the public address is known: Telegram must be able to reach it.
        if not settings.openchance_public_url:
            return
        url = settings.openchance_public_url.rstrip("/") + WEBHOOK_PATH
        try:
            await bot.set_webhook(url, secret_token=secret,
                                  allowed_updates=dispatcher.resolve_used_update_types())
        except Exception:  # the platform still serves; Telegram can be told later
            log.exception("could not register the Telegram webhook at %s", url)

    async def drain(app: web.Application) -> None:
        await outbox.drain()
        await dispatcher.storage.close()

    app.on_startup.append(register_webhook)
    app.on_shutdown.append(drain)
    SimpleRequestHandler(dispatcher, bot, secret_token=secret).register(app, path=WEBHOOK_PATH)
