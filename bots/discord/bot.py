"""Building the Discord bot once per process: an AutoShardedBot (one shard or many, as
Discord recommends) with one cog per feature, the core's persistent buttons, application
commands synced at start (to one server when DISCORD_GUILD_ID names it: instant, for
development), and the core's delivery consumer on the domain's events."""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bots.core import delivery
from bots.core.outbox import Outbox
from bots.discord.buttons import CoreButton
from bots.discord.cogs import COGS
from bots.discord.platform import DiscordPlatform
from bots.discord.rest import point_rest_at
from domain.deps import Deps
from domain.jobs import Consumer
from openchance.settings import Settings

log = logging.getLogger(__name__)


class OpenChanceBot(commands.AutoShardedBot):
    def __init__(self, deps: Deps, settings: Settings) -> None:
        # Interactions need no intents; "guilds" keeps channel names at hand. No privileged
        # intent (members, message content) is asked for.
        intents = discord.Intents.none()
        intents.guilds = True
        # The application's id is read from Discord at login (DISCORD_APPLICATION_ID is
        # not needed in gateway mode).
        super().__init__(command_prefix=commands.when_mentioned, intents=intents,
                         help_command=None)
        self.deps = deps
        self.settings = settings
        self.platform = DiscordPlatform(self)
        self.outbox = Outbox("discord")
        # The event log's consumer of the "discord" group, once registered (``setup``).
        self.delivery: Consumer | None = None

    async def setup_hook(self) -> None:
        for cog in COGS:
            await self.add_cog(cog())
        self.add_dynamic_items(CoreButton)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        guild_id = self.settings.discord_guild_id
        if guild_id:
            guild = discord.Object(id=int(guild_id))
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %s Discord commands%s", len(synced),
                 f" to server {guild_id}" if guild_id else " globally")

    async def close(self) -> None:
        await self.outbox.drain()
        await super().close()


def build_bot(deps: Deps, settings: Settings, *,
              deliver_in_process: bool = True) -> OpenChanceBot:
    """The bot, with REST pointed where DISCORD_API_URL says. ``deliver_in_process``: DMs
    and cards for this process's own events, from the EventBus (tests of the bot); a process
    of the runtime consumes the event log's ``discord`` group instead (gateway.py)."""
    if not settings.discord_bot_token:
        raise ValueError("DISCORD_BOT_TOKEN is not set")
    point_rest_at(settings.discord_api_url)
    bot = OpenChanceBot(deps, settings)
    if deliver_in_process:
        delivery.subscribe(deps.bus, delivery.Delivery(bot.platform), bot.outbox.spawn)
    return bot
