"""The forms Slack opens (``views.open``): posting a challenge, a proposal, a chat message.
A trigger lives 3 seconds, so a form opens right after the acknowledgement, before anything
slow. On submit, what can be read without the domain (the reward, the milestones) is
checked before the acknowledgement, so Slack shows the problem next to the field; then the
form closes and the core's answer arrives in the person's DM with the app."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp

from bots.core import grammar
from bots.core.caller import Caller
from bots.core.grammar import UsageError
from bots.core.results import Reply
from bots.core.verbs import applying, chat, posting
from bots.slack.answer import Answer, DirectMessage, bot_of, run
from bots.slack.people import joined, team_of, user_of
from bots.slack.render import escape

if TYPE_CHECKING:
    from bots.slack.app import SlackBot

POST, APPLY, MESSAGE = "oc-post", "oc-apply", "oc-message"


def text_input(block: str, label: str, *, multiline: bool = False, optional: bool = False,
               placeholder: str = "", max_length: int = 3000) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": block,
                               "multiline": multiline, "max_length": max_length}
    if placeholder:
        element["placeholder"] = {"type": "plain_text", "text": placeholder}
    return {"type": "input", "block_id": block, "optional": optional,
            "label": {"type": "plain_text", "text": label}, "element": element}


def modal(callback_id: str, title: str, submit: str, blocks: list[dict[str, Any]],
          metadata: str = "") -> dict[str, Any]:
    return {"type": "modal", "callback_id": callback_id, "private_metadata": metadata,
            "title": {"type": "plain_text", "text": title[:24]},
            "submit": {"type": "plain_text", "text": submit},
            "close": {"type": "plain_text", "text": "Cancel"}, "blocks": blocks}


POST_BLOCKS = [
    text_input("title", "Title", max_length=120),
    text_input("description", "Description", multiline=True,
               placeholder="What is wanted, and how you will judge it."),
    text_input("category", "Category", placeholder="engineering", max_length=60),
    text_input("tags", "Tags", optional=True, placeholder="rust, parsing", max_length=200),
    text_input("reward", "Reward", placeholder="150 USD", max_length=40),
    text_input("milestones", "Milestones", multiline=True, optional=True, max_length=1000,
               placeholder="One per line, title: amount (adding up to the reward)"),
]


def values(body: dict[str, Any]) -> dict[str, str]:
    """The submitted fields by block id (an empty optional field is "")."""
    state = body["view"]["state"]["values"]
    return {block: str(next(iter(fields.values())).get("value") or "")
            for block, fields in state.items()}


def person(body: dict[str, Any]) -> str:
    return joined(team_of(body), user_of(body)[0])


async def open_post(bot: SlackBot, client: Any, body: dict[str, Any]) -> None:
    await client.views_open(trigger_id=body["trigger_id"],
                            view=modal(POST, "Post a challenge", "Post", POST_BLOCKS))


async def open_apply(bot: SlackBot, client: Any, body: dict[str, Any], challenge_id: str,
                     refusals: Answer) -> None:
    async def ask(caller: Caller) -> list[Reply]:
        if not challenge_id.strip():
            raise UsageError("apply", "The challenge ID is missing.")
        target = await applying.apply_target(caller, challenge_id.strip())
        await client.views_open(trigger_id=body["trigger_id"], view=modal(
            APPLY, "Apply", "Apply", [
                {"type": "section", "text": {"type": "mrkdwn",
                                             "text": f"*{escape(target.title)}*"}},
                text_input("proposal", "Your proposal", multiline=True, max_length=4000,
                           placeholder="How you would solve it, and by when.")],
            metadata=target.id))
        return []

    await run(bot, body, refusals, ask, verb="apply")


async def open_message(bot: SlackBot, client: Any, body: dict[str, Any], *,
                       conversation_id: str | None = None,
                       application_id: str | None = None) -> None:
    metadata = json.dumps({"conversation_id": conversation_id,
                           "application_id": application_id})
    await client.views_open(trigger_id=body["trigger_id"], view=modal(
        MESSAGE, "Message", "Send", [text_input(
            "body", "Your message", multiline=True, max_length=4000,
            placeholder="It goes to the same conversation the web app shows.")], metadata))


def post_form(fields: dict[str, str]) -> dict[str, Any]:
    """The form, or UsageError with ``verb`` set to the field to blame."""
    try:
        grammar.reward(fields.get("reward", ""))
    except UsageError as exc:
        raise UsageError("reward", exc.problem) from exc
    try:
        return grammar.challenge_form(
            title=fields.get("title", ""), description=fields.get("description", ""),
            category=fields.get("category", ""), tags_text=fields.get("tags", ""),
            reward_text=fields.get("reward", ""),
            milestones_text=fields.get("milestones", ""))
    except UsageError as exc:
        raise UsageError("milestones", exc.problem) from exc


def register(app: AsyncApp) -> None:
    @app.view(POST)
    async def on_post(ack: Any, body: dict[str, Any], context: Any) -> None:
        bot = bot_of(context)
        async with bot.pending.busy():
            try:
                form = post_form(values(body))
            except UsageError as exc:
                await ack(response_action="errors", errors={exc.verb: exc.problem})
                return
            await ack()
            await run(bot, body, DirectMessage(bot, person(body)),
                      lambda caller: posting.post(caller, form), verb="post")

    @app.view(APPLY)
    async def on_apply(ack: Any, body: dict[str, Any], context: Any) -> None:
        bot = bot_of(context)
        async with bot.pending.busy():
            await ack()
            challenge_id, proposal = body["view"]["private_metadata"], values(body)["proposal"]
            await run(bot, body, DirectMessage(bot, person(body)),
                      lambda caller: applying.apply(caller, challenge_id, proposal),
                      verb="apply")

    @app.view(MESSAGE)
    async def on_message(ack: Any, body: dict[str, Any], context: Any) -> None:
        bot = bot_of(context)
        async with bot.pending.busy():
            await ack()
            about = json.loads(body["view"]["private_metadata"] or "{}")
            text, view_id = values(body)["body"], body["view"]["id"]

            async def send(caller: Caller) -> Reply:
                conversation_id = about.get("conversation_id") or await applying.open_chat(
                    caller, str(about.get("application_id")))
                # One form is one message: its view id makes a repeated submit a no-op.
                return await chat.send(caller, conversation_id, text, f"sl:{view_id}")

            await run(bot, body, DirectMessage(bot, person(body)), send)
