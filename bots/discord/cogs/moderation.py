"""/mod ban|unban|remove|reports|flags: for OpenChance's moderators, whoever runs the server. The
domain alone decides who may; a member's attempt is refused privately and changes nothing."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.core.caller import Caller
from bots.core.results import Reply
from bots.core.verbs import moderation
from bots.discord.respond import run
from domain.models.users import Platform
from domain.services import accounts


async def _user_id(caller: Caller, user: discord.User | discord.Member | None,
                   user_id: str) -> str:
    """Our user id: a Discord member named in the command, or an OpenChance id typed."""
    if user is None:
        return user_id.strip()
    found = await accounts.platform_user(caller.deps, Platform.DISCORD, str(user.id),
                                         user.display_name, user.name)
    return found.id


class Moderation(commands.GroupCog, group_name="mod",
                 group_description="OpenChance moderators: bans, removals, reports, money flags"):
    @app_commands.command(name="ban", description="(moderators) Ban a user")
    @app_commands.describe(user="A Discord member", user_id="Or an OpenChance user ID",
                           reason="Why")
    async def ban(self, interaction: discord.Interaction[Any],
                  user: discord.User | None = None, user_id: str = "",
                  reason: str = "") -> None:
        async def ban(caller: Caller) -> Reply:
            return await moderation.ban(caller, await _user_id(caller, user, user_id), reason)

        await run(interaction, ban)

    @app_commands.command(name="unban", description="(moderators) Lift a ban")
    @app_commands.describe(user="A Discord member", user_id="Or an OpenChance user ID")
    async def unban(self, interaction: discord.Interaction[Any],
                    user: discord.User | None = None, user_id: str = "") -> None:
        async def unban(caller: Caller) -> Reply:
            return await moderation.unban(caller, await _user_id(caller, user, user_id))

        await run(interaction, unban)

    @app_commands.command(name="remove", description="(moderators) Take a challenge down")
    @app_commands.describe(id="The challenge ID", reason="Why")
    async def remove(self, interaction: discord.Interaction[Any], id: str,
                     reason: str = "") -> None:
        await run(interaction, lambda caller: moderation.remove(caller, id.strip(), reason))

    @app_commands.command(name="reports", description="(moderators) Open reports")
    async def reports(self, interaction: discord.Interaction[Any]) -> None:
        await run(interaction, moderation.reports)

    @app_commands.command(name="flags", description="(moderators) Open money flags")
    async def flags(self, interaction: discord.Interaction[Any]) -> None:
        await run(interaction, moderation.money_flags)
