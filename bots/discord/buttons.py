"""Every button the core made, as a discord.py dynamic item: its custom_id is the core's
packed action (``bots.core.actions``), registered once at start, so buttons in messages sent
before a restart still dispatch. A press that needs words first opens a modal."""

from __future__ import annotations

import re
from typing import Any

import discord

from bots.core.actions import Action
from bots.core.press import press
from bots.core.results import Button
from bots.discord import modals
from bots.discord.respond import run

ACTION_ID = re.compile(r"(?P<packed>(?:ch|ap|mo|cv):[^\s]{1,60}|x)")


class CoreButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ACTION_ID):
    def __init__(self, action: Action, label: str = "…", style: discord.ButtonStyle =
                 discord.ButtonStyle.secondary, row: int | None = None) -> None:
        super().__init__(discord.ui.Button(label=label[:80], style=style,
                                           custom_id=action.pack(), row=row))
        self.action = action

    @classmethod
    def of(cls, button: Button, row: int) -> CoreButton:
        from bots.discord.render import STYLES

        assert button.action is not None
        return cls(button.action, button.label, STYLES[button.tone], row)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[discord.Client],
                             item: discord.ui.Item[Any], match: re.Match[str]
                             ) -> CoreButton:
        action = Action.unpack(match["packed"])
        if action is None:
            raise ValueError(f"not one of our actions: {match['packed']!r}")
        return cls(action)

    async def callback(self, interaction: discord.Interaction[discord.Client]) -> None:
        action = self.action
        if action.verb == "apply":
            await modals.open_apply(interaction, action.target)
        elif action.verb == "chat":
            await modals.open_message(interaction, application_id=action.target)
        elif action.verb == "reply":
            await modals.open_message(interaction, conversation_id=action.target)
        else:
            await run(interaction, lambda caller: press(
                caller, action, in_community=interaction.guild_id is not None), pressed=True)
