"""One challenge, announced in a Telegram group, a Discord channel and a Slack channel at
once, with the three platforms' stand-ins running together: when its state changes (a
solver applied from Slack is accepted on the web), all three cards are edited in place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bots.telegram.webhook import TELEGRAM
from domain.deps import Deps
from domain.services import announcements
from openchance.serve import create_app
from openchance.settings import Settings
from tests.bots.discord.conftest import ADMIN_ROLE, GUILD, Discord, start_bot
from tests.bots.discord.conftest import CHANNEL as DISCORD_CHANNEL
from tests.bots.discord.fake_discord_api import FakeDiscordApi
from tests.bots.slack.conftest import CHANNEL, Slack, slack_settings
from tests.bots.slack.fake_slack_api import FakeSlackApi
from tests.bots.telegram.conftest import PUBLIC_URL, Telegram, telegram_settings
from tests.bots.telegram.fake_bot_api import FakeBotApi

GROUP = {"id": -100700, "type": "supergroup", "title": "Makers"}


@pytest.fixture
async def telegram_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    yield api
    await api.close()


@pytest.fixture
async def discord_api() -> AsyncIterator[FakeDiscordApi]:
    api = FakeDiscordApi()
    await api.start()
    api.add_guild(GUILD, owner_id=1, manage_role=ADMIN_ROLE)
    yield api
    await api.close()


async def test_a_state_change_edits_the_cards_on_all_three_platforms(
        deps: Deps, storage: Any, slack_api: FakeSlackApi, telegram_api: FakeBotApi,
        discord_api: FakeDiscordApi, aiohttp_client: Any) -> None:
    # One serve node with Telegram (webhook) and Slack (HTTP mode); the Discord bot on the
    # gateway beside it, on the same store.
    both = telegram_settings(telegram_api.url, openchance_public_url=PUBLIC_URL).model_dump()
    both.update({k: v for k, v in slack_settings(slack_api.url).model_dump().items()
                 if k.startswith("slack_")})
    client = await aiohttp_client(create_app(Settings(_env_file=None, **both), deps=deps,
                                             storage=storage))
    handle = client.app[TELEGRAM]
    telegram = Telegram(telegram_api, handle.bot, handle.dispatcher, handle)
    slack = Slack(client, slack_api)
    discord_bot = await start_bot(deps, discord_api)
    discord = Discord(discord_api, discord_bot)
    try:
        # Each community's admin opts it in.
        tina = telegram.person(3001, "Tina")
        telegram_api.chat_members[(GROUP["id"], tina.id)] = "administrator"
        assert "announced" in (await tina.send("/community on", chat=GROUP)).text
        dora = discord.person(880_001, "Dora")
        discord_api.add_member(GUILD, dora.user, roles=[ADMIN_ROLE])
        assert "announced" in (await dora.ask("announcements", in_guild=True, on=True)).text
        sara = slack.person("U0SARA", "Sara", admin=True)
        assert "announced" in (await sara.ask("announce on", channel=CHANNEL)).readable

        # A web user posts one challenge: a card in each community.
        registered = await client.post("/api/v1/auth/register", json={
            "email": "wes@example.org", "password": "correct horse battery",
            "display_name": "Wes"})
        auth = {"Authorization": f"Bearer {(await registered.json())['token']}"}
        posted = await client.post("/api/v1/challenges", headers=auth, json={
            "title": "Translate the handbook", "description": "English to Portuguese.",
            "category": "translation", "reward": {"amount": 40_000, "currency": "usd"}})
        challenge_id = (await posted.json())["id"]
        await settle(telegram, discord, slack)
        cards = {p: (await announcements.of_challenge(p, challenge_id))[0]
                 for p in ("telegram", "discord", "slack")}
        telegram_card = (GROUP["id"], int(cards["telegram"].message_ref))
        discord_card = int(cards["discord"].message_ref)
        slack_card = cards["slack"].message_ref
        assert "open" in telegram_api.messages[telegram_card]["text"]
        assert "open" in discord_api.messages[discord_card].text
        assert "open" in slack_api.messages[slack_card].readable
        assert [m.ts for m in slack_api.in_channel(CHANNEL)] == [slack_card]

        # A Slack member applies from the Slack card; Wes accepts on the web.
        sam = slack.person("U0SAM", "Sam")
        await sam.press("Apply", slack_api.messages[slack_card])
        await sam.fill(proposal="Native speaker, two weeks.")
        listed = await client.get(f"/api/v1/challenges/{challenge_id}/applications",
                                  headers=auth)
        application_id = (await listed.json())["items"][0]["id"]
        accepted = await client.post(f"/api/v1/applications/{application_id}/accept",
                                     headers=auth)
        assert accepted.status == 200, await accepted.text()
        await settle(telegram, discord, slack)

        assert "in progress" in telegram_api.messages[telegram_card]["text"]
        assert "in progress" in discord_api.messages[discord_card].text
        assert "in progress" in slack_api.messages[slack_card].readable
        assert slack_api.messages[slack_card].edits >= 1
        # Edited, not posted again: still one card in each place.
        assert len(slack_api.in_channel(CHANNEL)) == 1
        assert len(discord_api.in_channel(DISCORD_CHANNEL)) == 1
        assert len(telegram_api.sent_to(GROUP["id"])) == 2  # the opt-in answer and the card
    finally:
        await discord_bot.close()


async def settle(telegram: Telegram, discord: Discord, slack: Slack) -> None:
    for _ in range(2):  # a delivery on one platform may cause none on another; twice is ample
        await telegram.outbox.drain()
        await discord.settle()
        await slack.settle()
