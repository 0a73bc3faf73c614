"""HTTP mode inside ``openchance serve``: Slack POSTs slash commands, interactions and events
to ``/api/v1/slack/events``. Bolt checks the signature (SLACK_SIGNING_SECRET; 401 for a bad
one) before anything is read; without a secret the route is not mounted at all, since an
empty secret would let anyone sign. With OAuth (multi-workspace) also the install page and
its redirect."""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request

from bots.slack.app import SlackBot

log = logging.getLogger(__name__)
EVENTS_PATH = "/api/v1/slack/events"
INSTALL_PATH = "/api/v1/slack/install"
REDIRECT_PATH = "/api/v1/slack/oauth_redirect"
# What ``mount`` put on the app (tests reach the bot through it).
SLACK = web.AppKey("slack", SlackBot)


def mount(app: web.Application, slack: SlackBot) -> None:
    app[SLACK] = slack
    if not slack.settings.slack_signing_secret:
        log.error("SLACK_SIGNING_SECRET is unset: %s is not served (Socket Mode, `openchance "
                  "bot slack`, needs none)", EVENTS_PATH)
        return

    async def events(request: web.Request) -> web.Response:
        response = await slack.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    app.router.add_post(EVENTS_PATH, events)
    flow = slack.app.oauth_flow
    if flow is not None:
        async def install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_installation(await to_bolt_request(request)))

        async def redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(
                await flow.handle_callback(await to_bolt_request(request)))

        app.router.add_get(INSTALL_PATH, install)
        app.router.add_get(REDIRECT_PATH, redirect)

    async def finish(app: web.Application) -> None:
        await slack.pending.settle()

    app.on_shutdown.append(finish)
