"""The bot inside ``openchance serve`` (when TELEGRAM_BOT_TOKEN is set).

With a public OPENCHANCE_PUBLIC_URL, webhook mode: Telegram POSTs updates to
``/api/v1/webhooks/telegram`` (registered at startup with a secret token); a request without
the right X-Telegram-Bot-Api-Secret-Token header gets 401 before anything is read. Without a
public address Telegram cannot reach us, so the same process long-polls instead."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
from urllib.parse import urlparse

from aiohttp import web

from bots.telegram.handle import TelegramBot
from openchance.settings import Settings

log = logging.getLogger(__name__)
LOOPBACK = {"localhost", "::1", "0.0.0.0", "::"}
WEBHOOK_PATH = "/api/v1/webhooks/telegram"
# What ``mount`` put on the app (tests reach the bot through it).
TELEGRAM = web.AppKey("telegram", TelegramBot)


def webhook_secret(settings: Settings) -> str:
    """TELEGRAM_WEBHOOK_SECRET, or one derived from the token, so the check is never off and
    every node of a cluster derives the same one."""
    if settings.telegram_webhook_secret:
        return settings.telegram_webhook_secret
    assert settings.telegram_bot_token
    return hmac.new(settings.telegram_bot_token.encode(), b"openchance-telegram-webhook",
                    hashlib.sha256).hexdigest()


def webhook_reachable(settings: Settings) -> bool:
    """Telegram can call us back only at a public address: OPENCHANCE_PUBLIC_URL naming a
    loopback host (what ``serve`` defaults to on a laptop) means polling instead."""
    host = urlparse(settings.openchance_public_url or "").hostname or ""
    return bool(host) and host not in LOOPBACK and not host.startswith("127.")


def mount(app: web.Application, telegram: TelegramBot) -> None:
    """Serve the bot from this aiohttp app: the webhook route when Telegram can reach us at
    OPENCHANCE_PUBLIC_URL, long polling from this process otherwise."""
    from aiogram.webhook.aiohttp_server import SimpleRequestHandler

    settings, bot, dispatcher = telegram.settings, telegram.bot, telegram.dispatcher
    app[TELEGRAM] = telegram
    secret = webhook_secret(settings)
    public_url = settings.openchance_public_url if webhook_reachable(settings) else None
    polling: list[asyncio.Task[None]] = []

    async def register_webhook(app: web.Application) -> None:
        url = f"{(public_url or '').rstrip('/')}{WEBHOOK_PATH}"
        try:
            await bot.set_webhook(url, secret_token=secret,
                                  allowed_updates=dispatcher.resolve_used_update_types())
        except Exception:  # the platform still serves; Telegram can be told later
            log.exception("could not register the Telegram webhook at %s", url)

    async def poll() -> None:
        try:
            await bot.delete_webhook()  # Telegram refuses getUpdates while a webhook is set
        except Exception:
            log.exception("could not clear the Telegram webhook; polling anyway")
        await dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)

    async def start_polling(app: web.Application) -> None:
        # No public address (a laptop): Telegram cannot reach a webhook, so poll instead.
        polling.append(asyncio.create_task(poll()))

    async def stop_polling(app: web.Application) -> None:
        for task in polling:
            try:
                await dispatcher.stop_polling()
            except RuntimeError:  # it had not started polling yet
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def close(app: web.Application) -> None:
        await telegram.close()

    if public_url:
        app.on_startup.append(register_webhook)
    else:
        app.on_startup.append(start_polling)
        app.on_shutdown.append(stop_polling)
    app.on_cleanup.append(close)
    SimpleRequestHandler(dispatcher, bot, secret_token=secret).register(app, path=WEBHOOK_PATH)
