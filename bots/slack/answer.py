"""Answering Slack: acknowledge first (Slack waits 3 seconds at most), then do the work —
identify the person, call the core — and send what it returned; a refusal is explained to
the person alone, with the usage line when it helps.

Where answers go: after a slash command or a button, through the interaction's
``response_url`` (ephemeral: only the person sees them; a button's answer that ``replaces``
takes the place of the message the button was on); after a modal, which has no
``response_url``, in the person's DM with the app."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from bots.core.caller import Caller, identify
from bots.core.errors import EXPLAINED, explain
from bots.core.grammar import UsageError
from bots.core.results import Reply, Result, as_replies
from bots.core.rich import Rich, rich
from bots.slack.people import joined, team_of, user_of
from bots.slack.render import message, mrkdwn
from bots.slack.texts import COMMANDS, usage_of
from domain.models.users import Platform

if TYPE_CHECKING:
    from bots.slack.app import SlackBot

log = logging.getLogger(__name__)
BOT = "openchance"  # the key of our SlackBot in Bolt's context
Work = Callable[[Caller], Awaitable[Result | Sequence[Result]]]
TROUBLE = "⚠️ Something went wrong on our side. Please try again in a moment."


def bot_of(context: Any) -> SlackBot:
    bot: SlackBot = context[BOT]
    return bot


async def caller_of(bot: SlackBot, body: dict[str, Any]) -> Caller:
    user_id, name = user_of(body)
    return await identify(bot.deps, Platform.SLACK, joined(team_of(body), user_id), name,
                          name, COMMANDS)


def explained(exc: BaseException, verb: str | None, *, moderating: bool = False) -> Rich:
    explanation = explain(exc, COMMANDS)
    if isinstance(exc, UsageError):
        verb = exc.verb
    usage = usage_of(verb, moderating=moderating) if verb and explanation.with_usage else None
    return rich(explanation.text + (f"\nUsage: {usage}" if usage else ""))


class Answer(Protocol):
    async def send(self, replies: list[Reply]) -> None: ...

    async def refuse(self, text: Rich) -> None: ...


class Respond:
    """Through ``response_url`` (Bolt's ``respond``)."""

    def __init__(self, respond: Any, *, pressed: bool) -> None:
        self.respond, self.pressed = respond, pressed

    async def send(self, replies: list[Reply]) -> None:
        for reply in replies:
            shown = message(reply)
            if self.pressed and reply.replaces:
                await self.respond(replace_original=True, **shown)
            else:
                await self.respond(response_type="ephemeral", replace_original=False, **shown)

    async def refuse(self, text: Rich) -> None:
        await self.respond(text=mrkdwn(text), response_type="ephemeral",
                           replace_original=False)


class DirectMessage:
    """In the person's DM with the app (after a modal)."""

    def __init__(self, bot: SlackBot, external_id: str) -> None:
        self.bot, self.external_id = bot, external_id

    async def send(self, replies: list[Reply]) -> None:
        for reply in replies:
            await self.bot.platform.send_dm(self.external_id, reply)

    async def refuse(self, text: Rich) -> None:
        await self.bot.platform.send_dm(self.external_id, Reply(text))


async def run(bot: SlackBot, body: dict[str, Any], answer: Answer, work: Work, *,
              verb: str | None = None, moderating: bool = False) -> None:
    """Identify the person, do ``work``, send its answers; explain a refusal."""
    try:
        results = await work(await caller_of(bot, body))
        await answer.send(as_replies(results))
    except EXPLAINED as exc:
        await answer.refuse(explained(exc, verb, moderating=moderating))
    except Exception:
        # Slack already has its acknowledgement, so nothing else would tell the person.
        log.exception("slack %s failed", verb or "interaction")
        try:
            await answer.refuse(rich(TROUBLE))
        except Exception:
            log.warning("could not tell the person either", exc_info=True)
