"""Answering an interaction within Discord's 3 seconds: acknowledge first (``defer``), then
do the work (identify the person, call the core) and send what it returned; a refusal is
explained privately. Every interaction ends by dispatching ``openchance_handled`` (what a
test, or a metric, can wait for with ``client.wait_for``)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import discord

from bots.core.caller import Caller, identify
from bots.core.errors import EXPLAINED, explain
from bots.core.grammar import UsageError
from bots.core.results import Result, as_replies
from bots.core.rich import rich
from bots.discord.platform import sendable
from bots.discord.render import markdown, message
from bots.discord.texts import COMMANDS, USAGE, VERB_COMMAND
from domain.deps import Deps
from domain.models.users import Platform

log = logging.getLogger(__name__)
HANDLED = "openchance_handled"
Work = Callable[[Caller], Awaitable[Result | Sequence[Result]]]


def deps_of(interaction: discord.Interaction[Any]) -> Deps:
    deps: Deps = interaction.client.deps
    return deps


def private(interaction: discord.Interaction[Any]) -> bool:
    """In a server, answers are for the person alone; in a DM they stay (buttons included)."""
    return interaction.guild_id is not None


async def caller_of(interaction: discord.Interaction[Any]) -> Caller:
    user = interaction.user
    return await identify(deps_of(interaction), Platform.DISCORD, str(user.id),
                          user.display_name, user.name, COMMANDS)


def explained(exc: BaseException, interaction: discord.Interaction[Any]) -> str:
    explanation = explain(exc, COMMANDS)
    command = interaction.command.qualified_name if interaction.command else None
    if isinstance(exc, UsageError):
        command = VERB_COMMAND.get(exc.verb, exc.verb)
    usage = (f"\nUsage: {USAGE[command]}" if explanation.with_usage and command in USAGE
             else "")
    return markdown(rich(explanation.text + usage))


async def acknowledge(interaction: discord.Interaction[Any], *, pressed: bool) -> None:
    if interaction.response.is_done():
        return
    if pressed:  # an update of the message the button is on, if the answer replaces it
        await interaction.response.defer()
    else:
        await interaction.response.defer(ephemeral=private(interaction), thinking=True)


async def send(interaction: discord.Interaction[Any], results: Result | Sequence[Result], *,
               pressed: bool) -> None:
    placeholder = not pressed  # a deferred command shows "thinking…" until edited
    for reply in as_replies(results):
        shown = message(reply)
        if (pressed and reply.replaces) or placeholder:
            await interaction.edit_original_response(**shown)
            placeholder = False
        else:
            await interaction.followup.send(ephemeral=private(interaction), **sendable(shown))


async def run(interaction: discord.Interaction[Any], work: Work, *,
              pressed: bool = False) -> None:
    try:
        await acknowledge(interaction, pressed=pressed)
        await send(interaction, await work(await caller_of(interaction)), pressed=pressed)
    except EXPLAINED as exc:
        await refuse(interaction, explained(exc, interaction), pressed=pressed)
    finally:
        interaction.client.dispatch(HANDLED, interaction)


async def refuse(interaction: discord.Interaction[Any], text: str, *, pressed: bool) -> None:
    """Only the person sees a refusal, wherever they were (a DM's "thinking…" placeholder is
    public in that DM, so it makes way for a private answer)."""
    if not interaction.response.is_done():
        await interaction.response.send_message(text, ephemeral=True)
        return
    if not pressed and not private(interaction):
        await interaction.delete_original_response()
    elif not pressed:
        await interaction.edit_original_response(content=text, embeds=[], view=None)
        return
    await interaction.followup.send(text, ephemeral=True)
