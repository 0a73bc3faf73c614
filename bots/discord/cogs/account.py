"""/help, /link [code], /my."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.core.results import Reply
from bots.core.rich import rich
from bots.core.verbs import account, browse
from bots.discord.respond import run
from bots.discord.texts import help_text


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

    @app_commands.command(name="my", description="What you posted, solve and applied to")
    async def my(self, interaction: discord.Interaction[Any]) -> None:
        await run(interaction, browse.my)
