"""The forms Discord opens: posting a challenge, a proposal, a chat message. Opening a modal
must be the first answer to an interaction, so nothing slow happens before it; the submit is
deferred and then calls the core."""

from __future__ import annotations

from typing import Any

import discord

from bots.core import grammar
from bots.core.caller import Caller
from bots.core.results import Reply
from bots.core.verbs import applying, chat, posting
from bots.discord.respond import HANDLED, run

Interaction = discord.Interaction[Any]


class PostModal(discord.ui.Modal, title="Post a challenge"):
    name: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Title", min_length=3, max_length=120)
    description: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Description", style=discord.TextStyle.paragraph, max_length=4000,
        placeholder="What is wanted, and how you will judge it.")
    category: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Category: tags", max_length=200,
        placeholder="engineering: rust, parsing")
    reward: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Reward", max_length=40, placeholder="150 USD")
    milestones: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Milestones (optional)", style=discord.TextStyle.paragraph, required=False,
        max_length=1000, placeholder="One per line, title: amount (adding up to the reward)")

    async def on_submit(self, interaction: Interaction) -> None:
        category, _, tags = self.category.value.partition(":")

        async def post(caller: Caller) -> Reply:
            return await posting.post(caller, grammar.challenge_form(
                title=self.name.value, description=self.description.value, category=category,
                tags_text=tags, reward_text=self.reward.value,
                milestones_text=self.milestones.value or ""))

        await run(interaction, post)


class ApplyModal(discord.ui.Modal, title="Apply"):
    proposal: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Your proposal", style=discord.TextStyle.paragraph, max_length=4000,
        placeholder="How you would solve it, and by when.")

    def __init__(self, challenge_id: str) -> None:
        super().__init__(custom_id=f"oc-apply:{challenge_id}"[:100])
        self.challenge_id = challenge_id

    async def on_submit(self, interaction: Interaction) -> None:
        await run(interaction, lambda caller: applying.apply(caller, self.challenge_id,
                                                             self.proposal.value))


class MessageModal(discord.ui.Modal, title="Message"):
    body: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Your message", style=discord.TextStyle.paragraph, max_length=4000,
        placeholder="It goes to the same conversation the web app shows.")

    def __init__(self, *, conversation_id: str | None, application_id: str | None) -> None:
        super().__init__(custom_id=f"oc-message:{conversation_id or application_id}"[:100])
        self.conversation_id, self.application_id = conversation_id, application_id

    async def on_submit(self, interaction: Interaction) -> None:
        async def send(caller: Caller) -> Reply:
            conversation_id = self.conversation_id or await applying.open_chat(
                caller, str(self.application_id))
            # One interaction is one message: its id makes a repeated delivery a no-op.
            return await chat.send(caller, conversation_id, self.body.value,
                                   f"dc:{interaction.id}")

        await run(interaction, send)


async def open_post(interaction: Interaction) -> None:
    await _open(interaction, PostModal())


async def open_apply(interaction: Interaction, challenge_id: str) -> None:
    await _open(interaction, ApplyModal(challenge_id))


async def open_message(interaction: Interaction, *, conversation_id: str | None = None,
                       application_id: str | None = None) -> None:
    await _open(interaction, MessageModal(conversation_id=conversation_id,
                                          application_id=application_id))


async def _open(interaction: Interaction, modal: discord.ui.Modal) -> None:
    try:
        await interaction.response.send_modal(modal)
    finally:
        interaction.client.dispatch(HANDLED, interaction)
