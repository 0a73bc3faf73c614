"""Multi-workspace: Slack's OAuth install flow (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET) with
the installs kept in MongoDB. ``MongoInstallationStore`` is slack_sdk's
``AsyncInstallationStore`` on our storage (``domain.services.installations``); the flow's
one-time ``state`` lives there too, so any node can finish an install another node began.

Each workspace's bot token is read from its install when Bolt authorizes a request and when a
delivery reaches that workspace."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from bots.slack.platform import ClientFor
from bots.slack.webapi import web_client
from domain.models.users import Platform
from domain.services import installations
from openchance.settings import Settings

log = logging.getLogger(__name__)
BOT_KEY = "@bot"  # the workspace's newest bot token, apart from the people who installed
STATE_TTL = timedelta(minutes=10)
# What the app asks for at install: the manifest's bot scopes (bots/slack/manifest.yml).
BOT_SCOPES = ["chat:write", "chat:write.public", "commands", "im:history", "im:write",
              "users:read"]


def _as_dict(value: Installation | Bot) -> dict[str, Any]:
    return {k: v for k, v in vars(value).items() if not k.startswith("_")}


class MongoInstallationStore(AsyncInstallationStore):
    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        await self.async_save_bot(installation.to_bot())
        data = _as_dict(installation)
        e, t = installation.enterprise_id, installation.team_id
        await installations.save(Platform.SLACK, e, t, "", data)
        if installation.user_id:
            await installations.save(Platform.SLACK, e, t, installation.user_id, data)

    async def async_save_bot(self, bot: Bot) -> None:
        if bot.bot_token is None:
            return
        await installations.save(Platform.SLACK, bot.enterprise_id, bot.team_id, BOT_KEY,
                                 _as_dict(bot))

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        team_id = None if is_enterprise_install else team_id
        data = await installations.find(Platform.SLACK, enterprise_id, team_id, BOT_KEY)
        return Bot(**data) if data else None

    async def async_find_installation(self, *, enterprise_id: str | None,
                                      team_id: str | None, user_id: str | None = None,
                                      is_enterprise_install: bool | None = False
                                      ) -> Installation | None:
        team_id = None if is_enterprise_install else team_id
        data = await installations.find(Platform.SLACK, enterprise_id, team_id, user_id or "")
        if not data:
            return None
        found = Installation(**data)
        bot = await self.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is not None and found.bot_token != bot.bot_token:
            # A person's older install: act with the workspace's newest bot token.
            found.bot_id, found.bot_user_id = bot.bot_id, bot.bot_user_id
            found.bot_token, found.bot_scopes = bot.bot_token, bot.bot_scopes
        return found

    async def async_delete_bot(self, *, enterprise_id: str | None,
                               team_id: str | None) -> None:
        await installations.delete(Platform.SLACK, enterprise_id, team_id, BOT_KEY)

    async def async_delete_installation(self, *, enterprise_id: str | None,
                                        team_id: str | None,
                                        user_id: str | None = None) -> None:
        await installations.delete(Platform.SLACK, enterprise_id, team_id, user_id or "")

    async def async_delete_all(self, *, enterprise_id: str | None,
                               team_id: str | None) -> None:
        await installations.delete(Platform.SLACK, enterprise_id, team_id, None)


class MongoStateStore(AsyncOAuthStateStore):
    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        return await installations.issue_state(Platform.SLACK, STATE_TTL)

    async def async_consume(self, state: str) -> bool:
        return await installations.consume_state(Platform.SLACK, state)


def build_app(settings: Settings) -> tuple[AsyncApp, MongoInstallationStore]:
    from bots.slack.http import INSTALL_PATH, REDIRECT_PATH

    store = MongoInstallationStore()
    public = (settings.openchance_public_url or "http://127.0.0.1:8080").rstrip("/")
    oauth = AsyncOAuthSettings(
        client_id=settings.slack_client_id, client_secret=settings.slack_client_secret,
        scopes=BOT_SCOPES, installation_store=store, state_store=MongoStateStore(),
        install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
        redirect_uri=f"{public}{REDIRECT_PATH}")
    app = AsyncApp(signing_secret=settings.slack_signing_secret or "",
                   client=web_client(settings), oauth_settings=oauth,
                   installation_store=store, user_facing_authorize_error_message=(
                       "OpenChance is not installed in this workspace (or was removed). An "
                       f"admin can add it at {public}{INSTALL_PATH}"))
    return app, store


def client_for_installations(settings: Settings, store: MongoInstallationStore) -> ClientFor:
    async def client_for(team_id: str) -> AsyncWebClient | None:
        bot = await store.async_find_bot(enterprise_id=None, team_id=team_id)
        return web_client(settings, bot.bot_token) if bot is not None else None

    return client_for
