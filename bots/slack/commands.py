"""``/challenge VERB ...`` and ``/challenge-mod VERB ...``: the first word names the verb,
the rest is read with the core's grammar. Each listener acknowledges at once; the answer
follows through the command's ``response_url``. ``post`` and ``apply`` open a modal (its
trigger is valid for 3 seconds, so they open it before anything slow)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp

from bots.core import grammar
from bots.core.caller import Caller
from bots.core.grammar import UsageError
from bots.core.results import Reply, Result
from bots.core.rich import rich
from bots.core.verbs import account, browse, communities, escrow, for_me, moderation, reviews
from bots.core.verbs import matches as recommended
from bots.core.verbs import settings as settings_verb
from bots.slack import modals
from bots.slack.answer import Respond, bot_of, run
from bots.slack.people import joined, place_of, team_of
from bots.slack.texts import COMMAND, MOD_COMMAND, help_text
from domain.models.users import Platform
from domain.services import accounts

if TYPE_CHECKING:
    from bots.slack.app import SlackBot

# What Slack makes of "@dave" in a command with "Escape channels, users, and links" on.
MENTION = re.compile(r"^<@([A-Z0-9]+)(?:\|([^>]*))?>$")


def verb_and_rest(text: str | None) -> tuple[str, str]:
    words = (text or "").strip().split(maxsplit=1)
    return (words[0].lower() if words else "help"), (words[1] if len(words) > 1 else "")


def challenge_id(rest: str, verb: str) -> str:
    return grammar.words(rest, verb, 1, "The challenge ID")[0]


async def challenge(bot: SlackBot, caller: Caller, verb: str, rest: str,
                    body: dict[str, Any]) -> Result | list[Result]:
    """Every verb of ``/challenge`` that answers with words (not a modal)."""
    if verb in ("help", "start"):
        return Reply(rich(account.greet(caller).body, "\n\n", help_text()))
    if verb == "link":
        return await account.link(caller, rest)
    if verb == "list":
        return await browse.list_open(caller, rest)
    if verb == "show":
        return await browse.show(caller, challenge_id(rest, "show"))
    if verb == "matches":
        return await recommended.solvers(caller, rest.strip())
    if verb == "mymatches":
        return await for_me.matches(caller)
    if verb == "my":
        return await browse.my(caller)
    if verb == "fund":
        return await escrow.ask_fund(caller, challenge_id(rest, "fund"))
    if verb == "submit":
        found, n, note = grammar.submission(rest)
        return await escrow.submit(caller, found, n, note)
    if verb == "release":
        found, number = grammar.release(rest)
        return await escrow.ask_release(caller, found, number)
    if verb == "refund":
        return await escrow.ask_refund(caller, challenge_id(rest, "refund"))
    if verb == "review":
        found, rating, text = grammar.review(rest)
        return await reviews.review(caller, found, rating, text)
    if verb == "settings":
        return await settings_verb.settings(caller, *settings_verb.read(rest))
    if verb == "alerts":
        return await for_me.alerts(caller, for_me.read_switch(rest))
    if verb == "announce":
        switch = rest.strip().lower()
        if switch not in ("on", "off"):
            raise UsageError("announce", "Say on or off.")
        return await communities.announcements(caller, bot.platform, place_of(body),
                                               on=switch == "on")
    raise UsageError("help", f"I do not know “{verb}”. Try {COMMAND} help.")


async def moderate(caller: Caller, verb: str, rest: str, body: dict[str, Any]) -> Result:
    if verb == "ban":
        return await moderation.ban(caller, await target_user(caller, rest, body),
                                    grammar.rest_after(rest, 1))
    if verb == "unban":
        return await moderation.unban(caller, await target_user(caller, rest, body))
    if verb == "remove":
        words = rest.split(maxsplit=1)
        return await moderation.remove(caller, words[0] if words else "",
                                       words[1] if len(words) > 1 else "")
    if verb == "reports":
        return await moderation.reports(caller)
    if verb == "flags":
        return await moderation.money_flags(caller)
    raise UsageError("help", f"Moderators have ban, unban, remove, reports and flags; not "
                             f"“{verb}”.")


async def target_user(caller: Caller, rest: str, body: dict[str, Any]) -> str:
    """Our user id: a Slack member mentioned (``<@U123|dave>``), or an OpenChance id typed."""
    word = rest.split()[0] if rest.split() else ""
    mentioned = MENTION.match(word)
    if mentioned is None:
        return word
    found = await accounts.platform_user(caller.deps, Platform.SLACK,
                                         joined(team_of(body), mentioned[1]),
                                         mentioned[2] or mentioned[1])
    return found.id


def register(app: AsyncApp) -> None:
    @app.command(COMMAND)
    async def on_challenge(ack: Any, body: dict[str, Any], respond: Any, context: Any,
                           client: Any) -> None:
        bot = bot_of(context)
        async with bot.pending.busy():
            await ack()
            verb, rest = verb_and_rest(body.get("text"))
            if verb == "post":
                await modals.open_post(bot, client, body)
                return
            answer = Respond(respond, pressed=False)
            if verb == "apply":
                await modals.open_apply(bot, client, body, rest, answer)
                return
            await run(bot, body, answer,
                      lambda caller: challenge(bot, caller, verb, rest, body), verb=verb)

    @app.command(MOD_COMMAND)
    async def on_mod(ack: Any, body: dict[str, Any], respond: Any, context: Any) -> None:
        bot = bot_of(context)
        async with bot.pending.busy():
            await ack()
            verb, rest = verb_and_rest(body.get("text"))
            await run(bot, body, Respond(respond, pressed=False),
                      lambda caller: moderate(caller, verb, rest, body), verb=verb,
                      moderating=True)
