"""Every button the core made: its ``value`` is the core's packed action, read back on a
press (also after a restart). A press that needs words first opens a modal; the others are
done by the core, and the answer takes the place of the pressed message when it
``replaces`` it (Slack: ``replace_original`` through the press's ``response_url``). Link
buttons also reach the app: they are only acknowledged."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncApp

from bots.core.actions import Action
from bots.core.press import press
from bots.slack import modals
from bots.slack.answer import Respond, bot_of, run
from bots.slack.people import channel_of, is_private
from bots.slack.render import ACTION_PREFIX, LINK_PREFIX

ACTION_ID = re.compile(rf"^{ACTION_PREFIX}\d+$")
LINK_ID = re.compile(rf"^{LINK_PREFIX}\d+$")


def register(app: AsyncApp) -> None:
    @app.action(ACTION_ID)
    async def on_press(ack: Any, body: dict[str, Any], action: dict[str, Any],
                       respond: Any, context: Any, client: Any) -> None:
        bot = bot_of(context)
        async with bot.pending.busy():
            await ack()
            pressed = Action.unpack(str(action.get("value") or ""))
            if pressed is None:
                return  # not one of ours (an old or hand-made payload): nothing to do
            if pressed.verb == "apply":
                await modals.open_apply(bot, client, body, pressed.target,
                                        Respond(respond, pressed=False))
            elif pressed.verb == "chat":
                await modals.open_message(bot, client, body, application_id=pressed.target)
            elif pressed.verb == "reply":
                await modals.open_message(bot, client, body, conversation_id=pressed.target)
            else:
                in_community = not is_private(*channel_of(body))
                await run(bot, body, Respond(respond, pressed=True), lambda caller: press(
                    caller, pressed, in_community=in_community), verb=pressed.verb)

    @app.action(LINK_ID)
    async def on_link(ack: Any) -> None:
        await ack()  # the browser opens the link; Slack still tells the app
