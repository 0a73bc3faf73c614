"""``openchance serve``: one realtime node (HTTP API, Socket.IO, web client), plus the Telegram
bot and the Slack app (HTTP mode) when their tokens are set, the Discord bot's HTTP
interactions endpoint when DISCORD_PUBLIC_KEY is also set (never its gateway: that is
``openchance bot discord``), plus the worker's jobs when everything is embedded."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

import realtime.app
import workers
from domain.deps import Deps
from domain.jobs import ConsumerOptions
from domain.ports import DurableLog
from openchance.runtime import Runtime, build_runtime
from openchance.settings import Settings

RUNTIME = web.AppKey("runtime", Runtime)
logger = logging.getLogger(__name__)


def create_app(settings: Settings, deps: Deps | None = None, *, demo: bool = False,
               storage: Any = None, log: DurableLog | None = None,
               options: ConsumerOptions | None = None) -> web.Application:
    """The whole node. ``storage`` lets a caller that already opened the store (tests) share
    it; ``log`` and ``options`` let tests share a durable log and shorten its timings."""
    rt = build_runtime(settings, "serve", deps=deps, log=log, options=options)
    app = web.Application()
    app[RUNTIME] = rt
    realtime.app.setup(app, settings, rt.deps)
    if settings.telegram_bot_token:
        from bots import telegram

        telegram.mount(app, telegram.setup(rt))
    if settings.slack_bot_token or (settings.slack_client_id and settings.slack_client_secret):
        from bots import slack

        slack.mount(app, slack.setup(rt))
    if settings.discord_public_key:
        if settings.discord_bot_token:
            from bots import discord

            discord.mount(app, discord.setup(rt))
        else:
            logger.error("DISCORD_PUBLIC_KEY is set but DISCORD_BOT_TOKEN is not: Discord's "
                      "interactions endpoint is not served")
    # With Redis, `openchance worker` runs the jobs (one of them, not every node); embedded,
    # this process is the whole platform.
    if not settings.redis_url:
        workers.setup(rt)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        await rt.start(storage)
        if demo:
            from domain.demo import load_demo

            await load_demo(rt.deps)
        yield
        await rt.stop()

    app.cleanup_ctx.append(lifecycle)
    return app
