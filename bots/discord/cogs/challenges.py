"""/challenge post (a modal), /challenge list [query], /challenge show id, /challenge matches
id (who would fit a challenge you posted), /challenge mymatches (the open ones that fit you)."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.core.verbs import browse, for_me
from bots.core.verbs import matches as recommended
from bots.discord import modals
from bots.discord.respond import run


class Challenges(commands.GroupCog, group_name="challenge",
                 group_description="Post, find and show challenges"):
    @app_commands.command(name="post", description="Post a challenge (a form opens)")
    async def post(self, interaction: discord.Interaction[Any]) -> None:
        await modals.open_post(interaction)

    @app_commands.command(name="list", description="Open challenges, optionally matching words")
    @app_commands.describe(query="Words to look for")
    async def list(self, interaction: discord.Interaction[Any], query: str = "") -> None:
        await run(interaction, lambda caller: browse.list_open(caller, query))

    @app_commands.command(name="show", description="One challenge, with its buttons")
    @app_commands.describe(id="The challenge ID")
    async def show(self, interaction: discord.Interaction[Any], id: str) -> None:
        await run(interaction, lambda caller: browse.show(caller, id.strip()))

    @app_commands.command(name="matches",
                          description="Who would fit a challenge you posted, and why")
    @app_commands.describe(id="The challenge ID")
    async def matches(self, interaction: discord.Interaction[Any], id: str) -> None:
        await run(interaction, lambda caller: recommended.solvers(caller, id.strip()))

    @app_commands.command(name="mymatches",
                          description="Open challenges that match your profile, and why")
    async def mymatches(self, interaction: discord.Interaction[Any]) -> None:
        await run(interaction, for_me.matches)
