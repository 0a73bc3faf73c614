"""/review id rating text."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.core.verbs import reviews
from bots.discord.respond import run


class Reviews(commands.Cog):
    @app_commands.command(name="review", description="Rate the other side after completion")
    @app_commands.describe(id="The challenge ID", rating="1 to 5", text="A few words")
    async def review(self, interaction: discord.Interaction[Any], id: str,
                     rating: app_commands.Range[int, 1, 5], text: str = "") -> None:
        await run(interaction, lambda caller: reviews.review(caller, id.strip(), rating, text))
