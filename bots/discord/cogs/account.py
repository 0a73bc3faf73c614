"""/help, /link [code], /settings, /alerts [on], /my."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.core.caller import Caller
from bots.core.grammar import UsageError
from bots.core.results import Reply
from bots.core.rich import rich
from bots.core.verbs import account, browse, for_me, settings
from bots.discord.respond import run
from bots.discord.texts import help_text
from domain.services.notification_preferences import CHANNELS, KINDS


class Account(commands.Cog):
    @app_commands.command(name="help", description="What the OpenChance bot can do")
    async def help(self, interaction: discord.Interaction[Any]) -> None:
        async def greet_and_help(caller: Any) -> Reply:
            return Reply(rich(account.greet(caller).body, "\n\n", help_text()))

        await run(interaction, greet_and_help)

    @app_commands.command(name="link", description="Join this Discord account to your "
                                                   "OpenChance account (no code: get one)")
    @app_commands.describe(code="The code from the web, or from /link on another chat")
    async def link(self, interaction: discord.Interaction[Any], code: str = "") -> None:
        await run(interaction, lambda caller: account.link(caller, code))

    @app_commands.command(name="settings", description="Which notifications reach you where")
    @app_commands.describe(channel="Where (default: Discord)", kind="messages, all, or a kind "
                           "such as escrow.funded", on="On or off (none: show them)")
    @app_commands.choices(channel=[app_commands.Choice(name=c, value=c) for c in CHANNELS])
    async def settings(self, interaction: discord.Interaction[Any], channel: str | None = None,
                       kind: str = "all", on: bool | None = None) -> None:
        async def change(caller: Caller) -> Reply:
            wanted = settings.ALIASES.get(kind.lower(), kind.lower())
            if on is not None and wanted != settings.ALL and wanted not in KINDS:
                raise UsageError("settings", f"No kind {kind!r}.")
            return await settings.settings(caller, channel, wanted, on)

        await run(interaction, change)

    @app_commands.command(name="alerts", description="Be told when a new challenge matches "
                                                     "you well")
    @app_commands.describe(on="On or off (none: show)")
    async def alerts(self, interaction: discord.Interaction[Any], on: bool | None = None) -> None:
        await run(interaction, lambda caller: for_me.alerts(caller, on))

    @app_commands.command(name="my", description="What you posted, solve and applied to")
    async def my(self, interaction: discord.Interaction[Any]) -> None:
        await run(interaction, browse.my)
