"""The Events API: messages in a person's DM with the app. A message in the thread of a
relayed chat message goes into that conversation (the same one the web app shows); one that
starts with a verb ("list rust", "my") is that command; anything else gets a pointer.

Slack sends an event again when it thinks we missed it (``X-Slack-Retry-Num``); every event
is handled once, by a receipt on its ``event_id`` claimed before the work (given back when
the work fails, so the next retry does it)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse

from bots.core.actions import REPLY, Action
from bots.core.caller import Caller
from bots.core.errors import EXPLAINED
from bots.core.results import Reply, as_replies
from bots.core.rich import rich
from bots.core.verbs import chat
from bots.slack.answer import bot_of, caller_of, explained
from bots.slack.commands import challenge, verb_and_rest
from bots.slack.render import message
from bots.slack.texts import COMMAND
from domain.services import receipts

if TYPE_CHECKING:
    from bots.slack.app import SlackBot

log = logging.getLogger(__name__)
# What a DM to the app may say without the slash command (no forms, no channel settings).
TYPED_VERBS = frozenset({"help", "start", "link", "list", "show", "matches", "mymatches", "my",
                         "fund", "submit", "release", "refund", "review", "settings",
                         "alerts"})
RECEIPT = "openchance_event_receipt"  # the claimed receipt's key, in Bolt's context


async def once_per_event(body: dict[str, Any], context: Any, next: Any) -> Any:
    """Global middleware (after Bolt's signature check)."""
    event_id = body.get("event_id") if body.get("type") == "event_callback" else None
    if not event_id:
        return await next()
    key = f"slack:event:{event_id}"
    if not await receipts.claim(key):
        log.info("slack event %s was handled before; a retry is acknowledged only", event_id)
        return BoltResponse(status=200, body="")
    context[RECEIPT] = key
    try:
        return await next()
    except Exception:
        await receipts.unclaim(key)
        raise


@contextlib.asynccontextmanager
async def given_back_on_failure(context: Any) -> AsyncIterator[None]:
    """Event listeners run after Bolt acknowledged the event: if the work fails there, the
    claim is given back, so Slack's next retry of the event does it."""
    try:
        yield
    except Exception:
        if context.get(RECEIPT):
            await receipts.unclaim(context[RECEIPT])
        raise


def conversation_of(parent: dict[str, Any]) -> str | None:
    """The conversation a relayed message is about: its Reply button's packed action."""
    for block in parent.get("blocks") or []:
        for element in block.get("elements") or []:
            action = Action.unpack(str(element.get("value") or ""))
            if action is not None and action.verb == REPLY:
                return action.target
    return None


async def parent_message(client: Any, channel: str, thread_ts: str) -> dict[str, Any]:
    found = await client.conversations_history(channel=channel, latest=thread_ts,
                                               inclusive=True, limit=1)
    messages = found.get("messages") or []
    return messages[0] if messages and messages[0].get("ts") == thread_ts else {}


def register(app: AsyncApp) -> None:
    @app.event("message")
    async def on_direct_message(event: dict[str, Any], body: dict[str, Any], client: Any,
                                context: Any) -> None:
        bot = bot_of(context)
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return  # channels (not subscribed), edits, joins, and our own messages
        async with bot.pending.busy(), given_back_on_failure(context):
            channel, ts = str(event["channel"]), str(event["ts"])
            text, thread = str(event.get("text") or ""), str(event.get("thread_ts") or "")
            conversation_id = (conversation_of(await parent_message(client, channel, thread))
                               if thread and thread != ts else None)
            caller: Caller = await caller_of(bot, body)
            try:
                if conversation_id is not None:
                    # The message's own ts makes a repeated delivery post it once.
                    answers = as_replies(await chat.send(caller, conversation_id, text,
                                                         f"sl:{channel}:{ts}"))
                else:
                    answers = await typed_command(bot, caller, text, body)
            except EXPLAINED as exc:  # a refusal is explained where it was asked
                answers = [Reply(explained(exc, None))]
            for answer in answers:
                await client.chat_postMessage(channel=channel, thread_ts=thread or None,
                                              **message(answer))


async def typed_command(bot: SlackBot, caller: Caller, text: str,
                        body: dict[str, Any]) -> list[Reply]:
    """A DM such as "list rust" or "my" is read as ``/challenge list rust``; the verbs that
    open a form (post, apply) need a slash command, which carries the form's trigger."""
    verb, rest = verb_and_rest(text)
    if verb not in TYPED_VERBS:
        return [Reply(rich(f"To answer a message, reply in its thread. {COMMAND} help (or "
                           "just “help” here) lists what I can do."))]
    return as_replies(await challenge(bot, caller, verb, rest, body))
