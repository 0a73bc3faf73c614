"""Socket Mode: ``openchance bot slack`` runs the app as its own process, connected to Slack
over a websocket (slack_sdk's aiohttp Socket Mode client), so it needs no public address and
no signing secret; SLACK_APP_TOKEN (an app-level ``xapp-`` token with
``connections:write``) opens the connection.

It shares MONGODB_URL and REDIS_URL with the ``serve`` nodes: what happens anywhere reaches
it through the event log's ``slack`` group (also what happened while it was down), and what
happens in it reaches web sockets through the write-only Redis manager. Run the app one way
or the other: with this process, leave the Slack variables off the ``serve`` nodes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from bots.slack.app import SlackBot, enabled
from bots.slack.webapi import web_client
from openchance.runtime import Runtime, runtime
from openchance.settings import Settings

log = logging.getLogger(__name__)


async def connect(bot: SlackBot, settings: Settings) -> AsyncSocketModeHandler:
    """Open the websocket (``apps.connections.open`` at SLACK_API_URL, then the URL it
    names); Bolt's dispatch handles every envelope and acknowledges it."""
    assert settings.slack_app_token
    handler = AsyncSocketModeHandler(bot.app, settings.slack_app_token,
                                     web_client=web_client(settings))
    await handler.connect_async()
    return handler


async def serve(bot: SlackBot, settings: Settings, stop: asyncio.Event) -> None:
    handler = await connect(bot, settings)
    try:
        await stop.wait()
    finally:
        await handler.close_async()
        await bot.pending.settle()  # the work after the last acknowledgements


async def run_socket_mode(settings: Settings) -> int:
    if not enabled(settings):
        log.error("SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) is not set; "
                  "there is no app to run")
        return 2
    if not settings.slack_app_token:
        log.error("SLACK_APP_TOKEN is not set: Socket Mode needs an app-level token (Basic "
                  "Information -> App-Level Tokens, scope connections:write). Without it, "
                  "run the app inside `openchance serve` (HTTP mode).")
        return 2
    if not settings.mongodb_url:
        log.warning("MONGODB_URL is unset: this app has its own in-memory store, separate from "
                    "any `openchance serve`. Point both at the same MongoDB to share one.")
    built: list[SlackBot] = []

    def setup(rt: Runtime) -> None:
        from bots import slack

        built.append(slack.setup(rt))

    stop = asyncio.Event()
    async with runtime(settings, "bot slack", setup=setup):
        loop = asyncio.get_running_loop()
        for name in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(name, stop.set)
        await serve(built[0], settings, stop)
    return 0
