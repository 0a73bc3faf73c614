"""The App Home tab (``views.publish``, drawn again each time the person opens it and after
each notification they get): what
they posted, what they solve, where they applied (the core's overview), and the escrows of
their challenges with what is held and what was paid."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from bots.core.caller import Caller
from bots.core.presenters import escrow_summary
from bots.core.rich import Rich, bold, lines, rich
from bots.core.verbs import browse
from bots.slack.answer import bot_of, caller_of
from bots.slack.events import given_back_on_failure
from bots.slack.modals import open_post
from bots.slack.people import split
from bots.slack.render import mrkdwn, section
from bots.slack.texts import COMMAND, COMMANDS
from domain.errors import DomainError
from domain.models.users import Platform
from domain.services import accounts, escrow
from domain.services.common import load_actor
from domain.services.overview import my_overview

if TYPE_CHECKING:
    from bots.slack.app import SlackBot

log = logging.getLogger(__name__)
ESCROWS_SHOWN = 10
POST_BUTTON = "oc-home-post"  # the Home tab's own button: it opens the posting form


async def escrows(caller: Caller) -> Rich:
    """The escrows of the challenges the person posted or solves."""
    mine = await my_overview(caller.user.id)
    shown: list[Rich] = []
    for challenge in (mine.owned + mine.solving)[:ESCROWS_SHOWN * 2]:
        try:
            held = await escrow.get_escrow(caller.user.id, challenge.id)
        except DomainError:
            continue  # not funded yet
        shown.append(lines(bold(challenge.title), escrow_summary(held)))
        if len(shown) == ESCROWS_SHOWN:
            break
    return lines(bold("Your escrows"), *shown, separator="\n\n") if shown else ()


async def home_view(caller: Caller) -> dict[str, Any]:
    overview = await browse.my(caller)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "OpenChance"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(rich(
            f"Post challenges, solve them, get paid through escrow. {COMMAND} help lists "
            "the commands."))}]},
        {"type": "actions", "elements": [{
            "type": "button", "action_id": POST_BUTTON, "style": "primary",
            "text": {"type": "plain_text", "text": "Post a challenge"}}]},
        {"type": "divider"}]
    blocks += section(mrkdwn(overview.body))
    held = await escrows(caller)
    if held:
        blocks += [{"type": "divider"}, *section(mrkdwn(held))]
    return {"type": "home", "blocks": blocks[:100]}


async def refresh(bot: SlackBot, user_id: str) -> None:
    """Draw the Home tab again for each Slack account of ``user_id`` (after a notification:
    something of theirs changed). Best effort: a tab that cannot be drawn now is drawn when
    it is opened."""
    for identity in await accounts.identities_of(user_id):
        if identity.platform != Platform.SLACK:
            continue
        try:
            team, user = split(identity.external_id)
            client = await bot.platform.client_for(team)
            if client is None:
                continue
            caller = Caller(bot.deps, await load_actor(user_id), Platform.SLACK,
                            identity.external_id, COMMANDS)
            await client.views_publish(user_id=user, view=await home_view(caller))
        except (DomainError, SlackApiError, ValueError) as exc:
            log.info("home tab of %s not refreshed: %s", identity.external_id, exc)


def register(app: AsyncApp) -> None:
    @app.action(POST_BUTTON)
    async def on_post_pressed(ack: Any, body: dict[str, Any], client: Any,
                              context: Any) -> None:
        bot = bot_of(context)
        async with bot.pending.busy():
            await ack()
            await open_post(bot, client, body)

    @app.event("app_home_opened")
    async def on_home_opened(event: dict[str, Any], body: dict[str, Any], client: Any,
                             context: Any) -> None:
        if event.get("tab") not in (None, "home"):
            return  # the Messages tab
        bot = bot_of(context)
        async with bot.pending.busy(), given_back_on_failure(context):
            caller = await caller_of(bot, body)
            await client.views_publish(user_id=event["user"], view=await home_view(caller))
