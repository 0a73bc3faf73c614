"""/apply id (a modal for the proposal). Accept, reject and message are buttons."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.discord import modals


class Applying(commands.Cog):
    @app_commands.command(name="apply", description="Apply to a challenge (a form opens)")
    @app_commands.describe(id="The challenge ID")
    async def apply(self, interaction: discord.Interaction[Any], id: str) -> None:
        # The domain checks the challenge when the proposal arrives: a modal must be the
        # first answer, so nothing is looked up before it.
        await modals.open_apply(interaction, id.strip())
