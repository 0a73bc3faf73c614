"""The forms Discord opens: posting a challenge, a proposal, a chat message. Opening a modal
must be the first answer to an interaction, so nothing slow happens before it; the submit is
deferred and then calls the core.

Each form's custom_id says which form it is and what for (``restore``), so a submission can
be handled by a process that did not open the form (HTTP mode: any ``serve`` node); and it is
new at each opening, since discord.py keeps open forms by custom_id and two people filling in
the same form must not share one."""

from __future__ import annotations

import secrets
from typing import Any

import discord

from bots.core import grammar
from bots.core.caller import Caller
from bots.core.results import Reply
from bots.core.verbs import applying, chat, posting
from bots.discord.respond import HANDLED, run

Interaction = discord.Interaction[Any]


def form_id(form: str, target: str = "") -> str:
    """``oc-FORM:NONCE:TARGET``; the target last, so a long one typed in is what is cut."""
    return f"oc-{form}:{secrets.token_hex(4)}:{target}"[:100]


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

    def __init__(self) -> None:
        super().__init__(custom_id=form_id("post"))

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
        super().__init__(custom_id=form_id("apply", challenge_id))
        self.challenge_id = challenge_id

    async def on_submit(self, interaction: Interaction) -> None:
        await run(interaction, lambda caller: applying.apply(caller, self.challenge_id,
                                                             self.proposal.value))


class MessageModal(discord.ui.Modal, title="Message"):
    body: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Your message", style=discord.TextStyle.paragraph, max_length=4000,
        placeholder="It goes to the same conversation the web app shows.")

    def __init__(self, *, conversation_id: str | None, application_id: str | None) -> None:
        super().__init__(custom_id=form_id("reply", conversation_id) if conversation_id else
                         form_id("chat", str(application_id)))
        self.conversation_id, self.application_id = conversation_id, application_id

    async def on_submit(self, interaction: Interaction) -> None:
        async def send(caller: Caller) -> Reply:
            conversation_id = self.conversation_id or await applying.open_chat(
                caller, str(self.application_id))
            # One interaction is one message: its id makes a repeated delivery a no-op.
            return await chat.send(caller, conversation_id, self.body.value,
                                   f"dc:{interaction.id}")

        await run(interaction, send)


def restore(custom_id: str) -> discord.ui.Modal | None:
    """The form a submission's custom_id names, under that same custom_id (None: not one of
    ours)."""
    form, _, rest = custom_id.partition(":")
    target = rest.partition(":")[2]
    modal: discord.ui.Modal
    if form == "oc-post":
        modal = PostModal()
    elif form == "oc-apply" and target:
        modal = ApplyModal(target)
    elif form == "oc-reply" and target:
        modal = MessageModal(conversation_id=target, application_id=None)
    elif form == "oc-chat" and target:
        modal = MessageModal(conversation_id=None, application_id=target)
    else:
        return None
    modal.custom_id = custom_id
    return modal


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
