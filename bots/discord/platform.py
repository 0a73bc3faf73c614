"""Discord as a ``bots.core`` chat platform: DMs, announcement cards in opted-in channels
(edited in place), and whether a member may manage the server, over Discord's REST API."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bots.core.caller import Commands
from bots.core.results import Card, Place, Reply
from bots.discord.render import embed, message, view
from bots.discord.texts import COMMANDS
from domain.models.users import Platform

log = logging.getLogger(__name__)


def sendable(shown: dict[str, Any]) -> dict[str, Any]:
    """A new message has no "no buttons" to say: leave out what is None."""
    return {key: value for key, value in shown.items() if value is not None}


class DiscordPlatform:
    platform: Platform = Platform.DISCORD
    commands: Commands = COMMANDS
    how_to_answer: str = "Press Reply to answer."

    def __init__(self, client: discord.Client) -> None:
        self.client = client

    async def send_dm(self, user_external_id: str, reply: Reply) -> str | None:
        try:
            channel = await self.client.create_dm(discord.Object(id=int(user_external_id)))
            sent = await channel.send(**sendable(message(reply)))
        except (discord.Forbidden, discord.NotFound) as exc:  # DMs closed, left every server
            log.info("cannot DM discord user %s: %s", user_external_id, exc)
            return None
        return str(sent.id)

    async def post_card(self, community_external_id: str, card: Card) -> str | None:
        channel = self.client.get_partial_messageable(int(community_external_id))
        try:
            sent = await channel.send(**sendable({"embed": embed(card),
                                                   "view": view(card.buttons)}))
        except (discord.Forbidden, discord.NotFound) as exc:  # removed from the channel
            log.info("cannot post in discord channel %s: %s", community_external_id, exc)
            return None
        return str(sent.id)

    async def edit_card(self, community_external_id: str, message_ref: str,
                        card: Card) -> None:
        channel = self.client.get_partial_messageable(int(community_external_id))
        try:
            await channel.get_partial_message(int(message_ref)).edit(
                embed=embed(card), view=view(card.buttons))
        except (discord.Forbidden, discord.NotFound) as exc:  # deleted by the server's admins
            log.debug("card %s in %s not edited: %s", message_ref, community_external_id, exc)

    async def is_chat_admin(self, place: Place, user_external_id: str) -> bool:
        """Manage Server (or Administrator, or owning the server), from the server's roles
        and the member's as Discord returns them now."""
        if place.server_id is None:
            return False
        guild = await self.client.fetch_guild(int(place.server_id))
        member = await guild.fetch_member(int(user_external_id))
        return member.guild_permissions.manage_guild
