"""/escrow fund|release|refund (each answered with a confirmation: only its button moves
money) and /escrow submit."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bots.core.verbs import escrow
from bots.discord.respond import run


class EscrowCog(commands.GroupCog, group_name="escrow",
                group_description="Fund, submit, release and refund milestones"):
    @app_commands.command(name="fund", description="Pay the reward into escrow (you confirm)")
    @app_commands.describe(id="The challenge ID")
    async def fund(self, interaction: discord.Interaction[Any], id: str) -> None:
        await run(interaction, lambda caller: escrow.ask_fund(caller, id.strip()))

    @app_commands.command(name="release", description="Pay a milestone to the solver "
                                                      "(you confirm)")
    @app_commands.describe(id="The challenge ID", n="The milestone number (none: choose)")
    async def release(self, interaction: discord.Interaction[Any], id: str,
                      n: int | None = None) -> None:
        await run(interaction, lambda caller: escrow.ask_release(caller, id.strip(), n))

    @app_commands.command(name="refund", description="Give the escrow back (you confirm)")
    @app_commands.describe(id="The challenge ID")
    async def refund(self, interaction: discord.Interaction[Any], id: str) -> None:
        await run(interaction, lambda caller: escrow.ask_refund(caller, id.strip()))

    @app_commands.command(name="submit", description="Hand in a milestone of a challenge "
                                                     "you solve")
    @app_commands.describe(id="The challenge ID", n="The milestone number",
                           note="What you hand in and where to find it")
    async def submit(self, interaction: discord.Interaction[Any], id: str, n: int,
                     note: str) -> None:
        await run(interaction, lambda caller: escrow.submit(caller, id.strip(), n, note))
