"""SlackPlatform, the core's port, against the stand-in: a person Slack cannot reach is "not
delivered" (None), anything else raises so the durable log retries it; a card that was
deleted is not an error; only workspace admins and owners administer a channel."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

from bots.core.results import Card, Place, Reply
from bots.core.rich import rich
from tests.bots.slack.conftest import CHANNEL, Slack
from tests.bots.slack.fake_slack_api import FakeSlackApi


async def test_unreachable_people_and_retryable_failures(slack: Slack,
                                                         slack_api: FakeSlackApi) -> None:
    platform = slack.bot.platform
    assert await platform.send_dm("T0001:U0GONE", Reply(rich("hi"))) is None
    slack.person("U0UMA", "Uma")
    slack_api.failures["chat.postMessage"] = ["internal_error"]
    with pytest.raises(SlackApiError):
        await platform.send_dm("T0001:U0UMA", Reply(rich("hi")))
    ts = await platform.send_dm("T0001:U0UMA", Reply(rich("hi again")))
    assert ts is not None and slack_api.messages[ts].channel == "DU0UMA"
    assert len(slack_api.called("conversations.open")) == 3  # Uma: once more after the failure
    await platform.send_dm("T0001:U0UMA", Reply(rich("and again")))
    assert len(slack_api.called("conversations.open")) == 3  # then kept


async def test_cards_and_channel_admins(slack: Slack, slack_api: FakeSlackApi) -> None:
    platform = slack.bot.platform
    card = Card(challenge_id="c1", title="T", status="🟢 open", facts=("1.00 USD",),
                description="d")
    assert await platform.post_card("T0001:C0NOWHERE", card) is None  # not a channel we see
    ts = await platform.post_card(f"T0001:{CHANNEL}", card)
    assert ts is not None
    del slack_api.messages[ts]  # deleted by a member of the channel
    await platform.edit_card(f"T0001:{CHANNEL}", ts, card)  # no error
    slack.person("U0ADM", "Adm", admin=True)
    slack.person("U0MEM", "Mem")
    channel = Place(f"T0001:{CHANNEL}", "#makers", private=False, server_id="T0001")
    assert await platform.is_chat_admin(channel, "T0001:U0ADM") is True
    assert await platform.is_chat_admin(channel, "T0001:U0MEM") is False
    dm = Place("T0001:DU0ADM", "this conversation", private=True, server_id="T0001")
    assert await platform.is_chat_admin(dm, "T0001:U0ADM") is False
