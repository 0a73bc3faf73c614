"""/announcements on: — a member with Manage Server opts this channel in to announcements of
new challenges (cards edited in place as they change), or out. Discord answers who may
manage the server (``DiscordPlatform.is_chat_admin``); the domain's rule decides."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.core.caller import Caller
from bots.core.results import Place, Reply
from bots.core.verbs import communities
from bots.discord.respond import run


class Communities(commands.Cog):
    @app_commands.command(name="announcements",
                          description="Announce new challenges in this channel, or stop")
    @app_commands.describe(on="True: announce here; False: stop")
    @app_commands.guild_only()
    # Discord shows the command to Manage Server holders by default; servers may change
    # that, so the domain checks the platform's answer again.
    @app_commands.default_permissions(manage_guild=True)
    async def announcements(self, interaction: discord.Interaction[Any], on: bool) -> None:
        channel = interaction.channel
        title = f"#{getattr(channel, 'name', None) or interaction.channel_id}"
        place = Place(str(interaction.channel_id), title, private=False,
                      server_id=str(interaction.guild_id))

        async def switch(caller: Caller) -> Reply:
            return await communities.announcements(caller, interaction.client.platform, place,
                                                   on=on)

        await run(interaction, switch)
