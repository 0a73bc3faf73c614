"""Building the Slack app once per process: Bolt's AsyncApp with the signing secret, the
workspace's bot token (SLACK_BOT_TOKEN) or the installations of the OAuth flow
(SLACK_CLIENT_ID/SLACK_CLIENT_SECRET), our listeners, and the core's ChatPlatform."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack import buttons, commands, events, home, modals
from bots.slack.answer import BOT
from bots.slack.pending import Pending
from bots.slack.platform import SlackPlatform
from bots.slack.webapi import web_client
from domain.deps import Deps
from openchance.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class SlackBot:
    deps: Deps
    settings: Settings
    app: AsyncApp
    platform: SlackPlatform
    installation_store: AsyncInstallationStore | None = None
    pending: Pending = field(default_factory=Pending)
    delivery: Any = None  # the event log's consumer of the "slack" group, once registered

    async def settle(self, within: float = 10.0) -> None:
        """Until the work after every ack, and every delivery it caused, has finished."""
        await self.pending.settle(within)
        if self.delivery is not None:
            await self.delivery.drain(within)
        await self.pending.settle(within)


def multi_workspace(settings: Settings) -> bool:
    return bool(settings.slack_client_id and settings.slack_client_secret)


def enabled(settings: Settings) -> bool:
    return bool(settings.slack_bot_token or multi_workspace(settings))


def build(deps: Deps, settings: Settings) -> SlackBot:
    if not enabled(settings):
        raise ValueError("SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) is "
                         "not set")
    if multi_workspace(settings):
        from bots.slack.oauth import build_app, client_for_installations

        app, store = build_app(settings)
        platform = SlackPlatform(client_for_installations(settings, store))
    else:
        store = None
        app = AsyncApp(signing_secret=settings.slack_signing_secret or "",
                       client=web_client(settings, settings.slack_bot_token),
                       # What Slack sends is checked for its signature (401 otherwise).
                       request_verification_enabled=True)
        single: AsyncWebClient = web_client(settings, settings.slack_bot_token)

        async def the_workspace(team_id: str) -> AsyncWebClient:
            return single  # one token: one workspace

        platform = SlackPlatform(the_workspace)
    bot = SlackBot(deps, settings, app, platform, store)

    @app.middleware
    async def attach(context: Any, next: Any) -> Any:
        context[BOT] = bot
        return await next()

    app.middleware(events.once_per_event)
    for part in (commands, buttons, modals, events, home):
        part.register(app)
    return bot
