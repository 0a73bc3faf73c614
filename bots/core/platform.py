"""The port a chat platform implements so the core can reach people and communities on it
without being asked (``bots.core.delivery``) and ask it who administers a chat.

It lives with the bots, not in ``domain/ports.py``: the domain never calls it (the domain's
rules take the platform's answers as plain values, e.g. ``chat_admin=True``), and its
arguments are the core's presentation types (``Reply``, ``Card``), which the domain must not
know."""

from __future__ import annotations

from typing import Protocol

from bots.core.caller import Commands
from bots.core.results import Card, Place, Reply
from domain.models.users import Platform


class ChatPlatform(Protocol):
    platform: Platform
    # How this platform spells its commands, for hints in DMs (see ``bots.core.caller``).
    commands: Commands
    # Under a relayed chat message: how to answer it here ("Reply to this message ...").
    how_to_answer: str

    async def send_dm(self, user_external_id: str, reply: Reply) -> str | None:
        """Message one person privately; the platform's message id, or None if they cannot
        be reached (blocked the bot, left, closed DMs). Only platform refusals are None;
        anything else raises, so a durable queue retries it."""
        ...

    async def post_card(self, community_external_id: str, card: Card) -> str | None:
        """Post a challenge card in a community; the platform's reference to the message, or
        None if the community cannot be reached."""
        ...

    async def edit_card(self, community_external_id: str, message_ref: str,
                        card: Card) -> None:
        """Replace a posted card in place (``card.removed``: the challenge was taken down).
        An unchanged or deleted message is not an error."""
        ...

    async def is_chat_admin(self, place: Place, user_external_id: str) -> bool:
        """Whether that person may manage the community (Telegram: creator or
        administrator; Discord: Manage Server; Slack: workspace admin or channel manager)."""
        ...
