"""The whole marketplace from Slack: post (modal) -> another member applies from the
channel's card (modal) -> accept (button in the DM) -> fund (confirmed, simulated checkout
paid over HTTP) -> submit -> release (confirmed) -> review, with DMs, the channel's card
edited in place, and the App Home tab."""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlparse

from domain.models.challenges import Application, Challenge
from domain.models.escrow import Escrow
from domain.services import announcements
from tests.bots.slack.conftest import CHANNEL, Slack
from tests.bots.slack.fake_slack_api import FakeSlackApi


async def test_post_apply_accept_fund_submit_release_review(
        slack: Slack, slack_api: FakeSlackApi) -> None:
    carol = slack.person("U0CAROL", "Carol", admin=True)
    dave = slack.person("U0DAVE", "Dave")
    opted = await carol.ask("announce on", channel=CHANNEL)
    assert "announced in #makers" in opted.readable and opted.visible_to == carol.id

    # --- post: the command opens a modal; nothing is posted before it is submitted ---
    assert await carol.command("post") == []
    assert carol.modal()["title"]["text"] == "Post a challenge"
    assert not await Challenge.find({}).to_list()
    refused, _ = await carol.fill(title="Port the parser", description="Keep the API.",
                                  category="engineering", reward="lots")
    assert json.loads(refused)["response_action"] == "errors"  # shown next to the field
    assert "reward" in json.loads(refused)["errors"]
    _, answers = await carol.fill(
        title="Port the parser to Rust", description="Keep the API; pass the tests.",
        category="engineering", tags="rust, parsing", reward="300 usd",
        milestones="Design: 100\nCode: 200")
    [posted] = [m for m in answers if m.channel == carol.dm]
    assert "Posted!" in posted.readable and "300.00 USD" in posted.readable
    challenge = (await Challenge.find({}).to_list())[0]
    assert sorted(challenge.tags) == ["parsing", "rust"]
    assert [m.amount for m in challenge.milestones] == [10_000, 20_000]
    [card] = slack_api.in_channel(CHANNEL)
    assert "Port the parser to Rust" in card.readable and "open" in card.readable
    assert [b["text"]["text"] for b in card.buttons()] == ["Apply"]
    assert [a.message_ref for a in await announcements.of_challenge("slack", challenge.id)
            ] == [card.ts]

    # --- Dave finds it, and applies from the card's button in the channel (a modal) ---
    listing = await dave.ask("list parser")
    assert "Port the parser to Rust" in listing.readable
    await dave.press("Apply", card)
    assert dave.modal()["private_metadata"] == challenge.id
    _, answers = await dave.fill(proposal="I have written three parsers.")
    assert any("Applied" in m.readable and m.channel == dave.dm for m in answers)
    dm, _ = carol.find("Accept")
    assert "New application" in dm.readable and "three parsers" in dm.readable

    # --- accept from the DM's button: the DM itself is updated ---
    await carol.press("Accept", dm)
    assert (await Application.find_one({})).state == "accepted"
    assert "accepted" in slack_api.messages[dm.ts].readable and dm.edits == 1
    assert any("was accepted" in m.readable for m in slack_api.visible_to(dave.id))
    assert "in progress" in slack_api.messages[card.ts].readable  # edited in place

    # --- fund: a confirmation first; its button starts the (simulated) checkout ---
    confirm = await carol.ask(f"fund {challenge.id}")
    assert "300.00 USD" in confirm.readable and await Escrow.find_one({}) is None
    await carol.press("Fund 300.00 USD", confirm)
    checkout = slack_api.messages[confirm.ts]
    assert "simulated" in checkout.readable
    url = next(b["url"] for b in checkout.buttons() if b.get("url"))
    response = await slack.client.post(urlparse(url).path)
    assert response.status == 200, await response.text()
    await slack.settle()
    assert (await Escrow.find_one({})).state == "funded"
    assert any("is funded" in m.readable and "/challenge submit" in m.readable
               for m in slack_api.visible_to(dave.id))

    # --- submit, then release from the DM's button, with its confirmation ---
    submitted = await dave.ask(f"submit {challenge.id} 1 Design doc: https://example.org/d")
    assert "Milestone 1" in submitted.readable and "submitted" in submitted.readable
    [asked] = await carol.press("Release milestone 1")
    assert "100.00 USD goes to the solver" in asked.readable
    assert (await Escrow.find_one({})).state == "funded"  # asking moved no money
    await carol.press("Release 100.00 USD", asked)
    assert "Milestone 1 released" in slack_api.messages[asked.ts].readable
    assert not slack_api.messages[asked.ts].buttons()  # the confirmation is used up
    await dave.ask(f"submit {challenge.id} 2 Code merged")
    asked = await carol.ask(f"release {challenge.id} 2")
    await carol.press("Release 200.00 USD", asked)
    held = await Escrow.find_one({})
    assert held.state == "released" and held.held == 0
    assert "completed" in slack_api.messages[card.ts].readable

    # --- both review each other ---
    assert "5/5" in (await carol.ask(f"review {challenge.id} 5 Careful")).readable
    assert any("You were reviewed" in m.readable for m in slack_api.visible_to(dave.id))
    assert "4/5" in (await dave.ask(f"review {challenge.id} 4 Clear")).readable
    mine = await dave.ask("my")
    assert "You solve" in mine.readable and "completed" in mine.readable

    # --- the App Home tab: drawn again after each notification, and when opened ---
    dave_home = json.dumps(slack_api.homes[dave.id])  # Dave never opened it
    assert "You solve" in dave_home and "Your escrows" in dave_home
    assert "Port the parser to Rust" in dave_home and "released" in dave_home
    status, _ = await slack.post(carol.event({"type": "app_home_opened", "tab": "home",
                                              "channel": carol.dm}), "application/json")
    assert status == 200
    await slack.settle()
    home = json.dumps(slack_api.homes[carol.id])
    assert "You posted" in home and "Port the parser to Rust" in home
    assert "Your escrows" in home and "released" in home


async def test_the_home_tab_posts_too(slack: Slack, slack_api: FakeSlackApi) -> None:
    """Its Post button opens the same form as /challenge post."""
    una = slack.person("U0UNA", "Una")
    await slack.post(una.event({"type": "app_home_opened", "tab": "home", "channel": una.dm}),
                     "application/json")
    await slack.settle()
    home = slack_api.homes[una.id]
    [button] = [e for b in home["blocks"] if b["type"] == "actions" for e in b["elements"]]
    payload = {"type": "block_actions", "team": {"id": "T0001"}, "user": una.user(),
               "api_app_id": "A0001", "trigger_id": "trigger-home", "container": {
                   "type": "view", "view_id": "VHOME"}, "view": {"id": "VHOME", **home},
               "actions": [{"type": "button", "action_id": button["action_id"],
                            "block_id": "b", "action_ts": "1"}]}
    status, _ = await slack.post(urlencode({"payload": json.dumps(payload)}))
    assert status == 200
    await slack.settle()
    assert slack_api.modals["trigger-home"]["title"]["text"] == "Post a challenge"
