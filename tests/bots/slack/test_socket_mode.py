"""Socket Mode, as ``openchance bot slack`` runs it: its own runtime (role ``bot slack``),
slack_sdk's aiohttp Socket Mode client connected to the stand-in's websocket (the URL
``apps.connections.open`` names at SLACK_API_URL), envelopes dispatched by Bolt and
acknowledged, the answers sent through the Web API; deliveries from the event log's
``slack`` group."""

from __future__ import annotations

import asyncio
from typing import Any

from bots import slack as slack_package
from bots.slack.app import SlackBot
from bots.slack.socket_mode import serve
from domain.deps import Deps
from domain.models.social import Community
from openchance.runtime import Runtime, runtime
from tests.bots.slack.conftest import CHANNEL, CHANNEL_NAME, slack_settings
from tests.bots.slack.fake_slack_api import TEAM, FakeSlackApi


async def test_commands_arrive_over_the_websocket_and_are_acknowledged(
        deps: Deps, storage: Any, slack_api: FakeSlackApi) -> None:
    settings = slack_settings(slack_api.url, slack_app_token="xapp-test",
                              slack_signing_secret=None)
    built: list[SlackBot] = []

    def setup(rt: Runtime) -> None:
        built.append(slack_package.setup(rt))

    stop = asyncio.Event()
    async with runtime(settings, "bot slack", deps=deps, storage=storage, setup=setup):
        bot = built[0]
        running = asyncio.create_task(serve(bot, settings, stop))
        try:
            await asyncio.wait_for(slack_api.connected.wait(), 10)
            assert slack_api.called("apps.connections.open")
            assert slack_api.calls[0][2] == "xapp-test"  # opened with the app-level token
            slack_api.add_user("U0ADA", "Ada", admin=True)
            ack = await slack_api.envelope("slash_commands", {
                "command": "/challenge", "text": "announce on", "team_id": TEAM,
                "user_id": "U0ADA", "user_name": "ada", "channel_id": CHANNEL,
                "channel_name": CHANNEL_NAME, "trigger_id": "t1",
                "response_url": slack_api.responder("U0ADA", CHANNEL)})
            assert ack["envelope_id"].startswith("env-")
            await bot.settle()
            assert await Community.find_one({"external_id": f"{TEAM}:{CHANNEL}"}) is not None
            [answer] = slack_api.visible_to("U0ADA")
            assert "announced in #makers" in answer.readable

            # A challenge posted elsewhere reaches the opted-in channel through the log.
            ack = await slack_api.envelope("slash_commands", {
                "command": "/challenge", "text": "post", "team_id": TEAM, "user_id": "U0ADA",
                "user_name": "ada", "channel_id": "DU0ADA", "channel_name": "directmessage",
                "trigger_id": "t2", "response_url": slack_api.responder("U0ADA", "DU0ADA")})
            await bot.settle()
            view = slack_api.modals["t2"]
            values = {b["block_id"]: {b["block_id"]: {"type": "plain_text_input", "value": v}}
                      for b, v in zip(view["blocks"], ["Tag the photos", "Ten thousand.",
                                                       "data", None, "80 usd", None],
                                      strict=True)}
            ack = await slack_api.envelope("interactive", {
                "type": "view_submission", "team": {"id": TEAM}, "api_app_id": "A0001",
                "user": {"id": "U0ADA", "username": "ada", "team_id": TEAM},
                "view": {**view, "state": {"values": values}}})
            assert ack["envelope_id"]
            await bot.settle()
            [card] = slack_api.in_channel(CHANNEL)
            assert "Tag the photos" in card.readable
        finally:
            stop.set()
            await asyncio.wait_for(running, 10)
