"""Slack as a ``bots.core`` chat platform over the Web API: DMs (``conversations.open`` then
``chat.postMessage``), announcement cards in opted-in channels (``chat.postMessage``, edited
in place with ``chat.update``), and whether a person administers the workspace
(``users.info``: admin or owner). Each workspace is reached with its own bot token."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bots.core.caller import Commands
from bots.core.results import Card, Place, Reply
from bots.slack.people import split
from bots.slack.render import card_message, message
from bots.slack.texts import COMMANDS
from domain.models.users import Platform

log = logging.getLogger(__name__)
# Slack's answers that mean "this person or channel cannot be reached by us", not "try
# again": the core treats those as not delivered; anything else raises (and is retried).
UNREACHABLE = frozenset({
    "account_inactive", "cannot_dm_bot", "channel_not_found", "is_archived",
    "not_in_channel", "user_not_found", "user_not_visible", "user_disabled",
    "restricted_action", "team_access_not_granted", "invalid_auth",
    "token_revoked", "no_permission", "missing_scope"})
NOT_EDITABLE = frozenset({"message_not_found", "cant_update_message", "edit_window_closed",
                          *UNREACHABLE})
ClientFor = Callable[[str], Awaitable[AsyncWebClient | None]]
DM_CHANNELS_KEPT = 10_000


def refused(exc: SlackApiError, allowed: frozenset[str]) -> str | None:
    error = str(exc.response.get("error", "")) if exc.response is not None else ""
    return error if error in allowed else None


class SlackPlatform:
    platform: Platform = Platform.SLACK
    commands: Commands = COMMANDS
    how_to_answer: str = "Answer in this message's thread, or press Reply."

    def __init__(self, client_for: ClientFor) -> None:
        # team id -> a Web API client with that workspace's bot token (None: not installed).
        self.client_for = client_for
        # TEAM:USER -> their DM channel with the app: conversations.open is rate limited
        # (Tier 3), and a burst of notifications would ask it the same thing every time.
        self._dm_channels: dict[str, str] = {}

    async def _dm_channel(self, client: AsyncWebClient, user_external_id: str) -> str:
        if user_external_id not in self._dm_channels:
            if len(self._dm_channels) >= DM_CHANNELS_KEPT:
                self._dm_channels.clear()
            opened = await client.conversations_open(users=split(user_external_id)[1])
            self._dm_channels[user_external_id] = str(opened["channel"]["id"])
        return self._dm_channels[user_external_id]

    async def send_dm(self, user_external_id: str, reply: Reply) -> str | None:
        team, user = split(user_external_id)
        client = await self.client_for(team)
        if client is None:
            log.info("slack workspace %s is not installed; no DM to %s", team, user)
            return None
        try:
            sent = await client.chat_postMessage(
                channel=await self._dm_channel(client, user_external_id), **message(reply))
        except SlackApiError as exc:
            self._dm_channels.pop(user_external_id, None)  # ask again next time
            if (error := refused(exc, UNREACHABLE)) is None:
                raise
            log.info("cannot DM slack user %s: %s", user_external_id, error)
            return None
        return str(sent["ts"])

    async def post_card(self, community_external_id: str, card: Card) -> str | None:
        team, channel = split(community_external_id)
        client = await self.client_for(team)
        if client is None:
            return None
        try:
            sent = await client.chat_postMessage(channel=channel, **card_message(card))
        except SlackApiError as exc:
            if (error := refused(exc, UNREACHABLE)) is None:
                raise
            log.info("cannot post in slack channel %s: %s", community_external_id, error)
            return None
        return str(sent["ts"])

    async def edit_card(self, community_external_id: str, message_ref: str,
                        card: Card) -> None:
        team, channel = split(community_external_id)
        client = await self.client_for(team)
        if client is None:
            return
        try:
            await client.chat_update(channel=channel, ts=message_ref, **card_message(card))
        except SlackApiError as exc:  # deleted by the channel's members, app removed
            if (error := refused(exc, NOT_EDITABLE)) is None:
                raise
            log.debug("card %s in %s not edited: %s", message_ref, community_external_id, error)

    async def is_chat_admin(self, place: Place, user_external_id: str) -> bool:
        """A workspace admin or owner, as Slack says now (``users.info``)."""
        team, user = split(user_external_id)
        client = await self.client_for(team)
        if client is None or place.private:
            return False
        found = (await client.users_info(user=user))["user"]
        return bool(found.get("is_admin") or found.get("is_owner")
                    or found.get("is_primary_owner"))
