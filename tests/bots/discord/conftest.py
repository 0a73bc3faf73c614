"""The real discord.py bot (AutoShardedBot, cogs, persistent buttons), its REST calls going
over HTTP to the local stand-in and connected to its gateway websocket, through which
interactions arrive as gateway payloads. Tests act as Discord users: they run commands, press
buttons, fill in modals, and read what they see."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bots.discord.bot import OpenChanceBot, build_bot
from bots.discord.respond import HANDLED
from domain.deps import Deps
from openchance.settings import Settings
from tests.bots.discord.fake_discord_api import APP_ID, FakeDiscordApi, Sent

TOKEN = "test-discord-token"
GUILD, CHANNEL, ADMIN_ROLE = 600_000_000_000_000_001, 600_000_000_000_000_002, 600_000_000_9
OPTION_TYPES = {str: 3, int: 4, bool: 5}


def discord_settings(api_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"discord_bot_token": TOKEN, "discord_api_url": api_url,
                              "redis_url": None, "mongodb_url": None}
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
async def discord_api() -> AsyncIterator[FakeDiscordApi]:
    api = FakeDiscordApi()
    await api.start()
    api.add_guild(GUILD, owner_id=1, manage_role=ADMIN_ROLE)
    yield api
    await api.close()


class Discord:
    """One running bot, fed interactions the way the gateway would deliver them."""

    _ids = itertools.count(700_000_000_000_000_000)

    def __init__(self, api: FakeDiscordApi, bot: OpenChanceBot) -> None:
        self.api, self.bot = api, bot

    def person(self, user_id: int, name: str) -> Person:
        return Person(self, user_id, name)

    async def deliver(self, payload: dict[str, Any]) -> None:
        """Hand the payload to the bot and wait until it has answered it (and the
        deliveries it caused have run)."""
        self.api.interactions[payload["token"]] = payload
        handled = asyncio.ensure_future(self.bot.wait_for(
            HANDLED, check=lambda i: str(i.id) == payload["id"], timeout=20))
        await asyncio.sleep(0)
        await self.api.dispatch("INTERACTION_CREATE", payload)
        await handled
        await self.settle()

    async def settle(self) -> None:
        await self.bot.outbox.drain()


class Person:
    def __init__(self, discord: Discord | None, user_id: int, name: str) -> None:
        self._discord, self.id, self.name = discord, user_id, name
        self.manages_server = False

    @property
    def discord(self) -> Discord:
        assert self._discord is not None, "this person only makes payloads"
        return self._discord

    @property
    def user(self) -> dict[str, Any]:
        return {"id": str(self.id), "username": self.name.lower(), "discriminator": "0",
                "global_name": self.name, "avatar": None}

    def interaction(self, kind: int, data: dict[str, Any], in_guild: bool,
                     message: Sent | None = None) -> dict[str, Any]:
        iid = next(Discord._ids)
        channel_id = (CHANNEL if in_guild else
                      int(message.payload["channel_id"]) if message else self.id + 1)
        payload: dict[str, Any] = {
            "id": str(iid), "application_id": str(APP_ID), "type": kind,
            "token": f"token-{iid}", "version": 1, "channel_id": str(channel_id),
            "locale": "en-US", "app_permissions": "0", "entitlements": [], "data": data,
            "attachment_size_limit": 10_485_760, "authorizing_integration_owners": {},
            "channel": {"id": str(channel_id), "type": 0, "name": "makers", "position": 0,
                        "permission_overwrites": [], "nsfw": False, "parent_id": None,
                        "guild_id": str(GUILD), "rate_limit_per_user": 0}
            if in_guild else {"id": str(channel_id), "type": 1, "recipients": [self.user]}}
        if in_guild:
            permissions = 0x20 if self.manages_server else 0
            payload.update(guild_id=str(GUILD), guild_locale="en-US", member={
                "user": self.user, "roles": [], "permissions": str(permissions),
                "joined_at": "2026-01-01T00:00:00+00:00", "deaf": False, "mute": False,
                "flags": 0})
        else:
            payload["user"] = self.user
        if message is not None:
            payload["message"] = message.payload
        return payload

    async def command(self, name: str, *, in_guild: bool = False,
                      **options: Any) -> str:
        """Run ``/name`` ("challenge post" for a subcommand) with options; returns the
        interaction token (``answers`` reads what it produced)."""
        top, *sub = name.split()
        values = [{"name": key, "type": 6 if key == "user" else OPTION_TYPES[type(value)],
                   "value": value} for key, value in options.items()]
        data: dict[str, Any] = {"id": str(next(Discord._ids)), "name": top, "type": 1,
                                "options": [{"type": 1, "name": sub[0], "options": values}]
                                if sub else values}
        users = {v["value"]: v for v in values if v["type"] == 6}
        if users:
            data["resolved"] = {"users": {uid: {"id": uid, "username": "member",
                                                "discriminator": "0", "avatar": None}
                                          for uid in users}}
        payload = self.interaction(2, data, in_guild)
        await self.discord.deliver(payload)
        return str(payload["token"])

    def answers(self, token: str) -> list[Sent]:
        return self.discord.api.answers(token)

    async def ask(self, name: str, *, in_guild: bool = False, **options: Any) -> Sent:
        """Run a command and return its (single or first) answer."""
        answers = self.answers(await self.command(name, in_guild=in_guild, **options))
        assert answers, f"no answer to /{name}"
        return answers[0]

    def find(self, label: str) -> tuple[Sent, dict[str, Any]]:
        """The newest message this person can see with a button whose label has ``label``."""
        seen = [*self.discord.api.visible_to(self.id),
                *self.discord.api.in_channel(CHANNEL)]
        for sent in sorted(seen, key=lambda s: s.id, reverse=True):
            for button in sent.buttons():
                if label in button.get("label", ""):
                    return sent, button
        raise AssertionError(f"{self.name} sees no button {label!r}")

    async def press(self, label: str, message: Sent | None = None) -> str:
        found, button = (message, next(b for b in message.buttons()
                                       if label in b.get("label", ""))) if message else \
            self.find(label)
        return await self.press_id(found, button["custom_id"])

    async def press_id(self, message: Sent, custom_id: str) -> str:
        in_guild = int(message.payload["channel_id"]) == CHANNEL
        payload = self.interaction(3, {"custom_id": custom_id, "component_type": 2},
                                    in_guild, message)
        await self.discord.deliver(payload)
        return str(payload["token"])

    async def fill(self, token: str, **values: str) -> str:
        """Submit the modal the interaction ``token`` opened, fields by their label's first
        word in lower case (``title=``, ``reward=``...)."""
        modal = self.discord.api.modals[token]
        rows = []
        for row in modal["components"]:
            for component in row.get("components") or [row.get("component")]:
                key = component["label"].split()[0].lower().rstrip(":")
                rows.append({"type": 1, "components": [{
                    "type": 4, "custom_id": component["custom_id"],
                    "value": values.get(key, "")}]})
        in_guild = "guild_id" in self.discord.api.interactions[token]
        payload = self.interaction(5, {"custom_id": modal["custom_id"], "components": rows},
                                    in_guild)
        await self.discord.deliver(payload)
        return str(payload["token"])


async def start_bot(deps: Deps, api: FakeDiscordApi, **settings: Any) -> OpenChanceBot:
    """Log in over REST (users/@me, the application, command sync), then connect to the
    gateway, as ``bot.start`` does."""
    bot = build_bot(deps, discord_settings(api.url, **settings))
    api.identified.clear()
    await bot.login(TOKEN)
    connected = asyncio.create_task(bot.connect(reconnect=False))
    # READY is parsed in the same step that announces it (``wait_until_ready`` would also
    # wait out discord.py's 2 s for servers to arrive; this test gateway has none).
    ready = asyncio.create_task(bot.wait_for("socket_event_type",
                                             check=lambda event: event == "READY"))
    await asyncio.wait({connected, ready}, timeout=20, return_when=asyncio.FIRST_COMPLETED)
    if connected.done():
        connected.result()  # raises what went wrong
    assert ready.done(), "the bot did not get ready on the gateway"
    return bot


@pytest.fixture
async def discord(deps: Deps, storage: Any, discord_api: FakeDiscordApi
                  ) -> AsyncIterator[Discord]:
    bot = await start_bot(deps, discord_api)
    yield Discord(discord_api, bot)
    await bot.close()
