"""The whole marketplace from Telegram: post (wizard) -> apply -> accept -> fund (simulated
checkout over HTTP) -> submit -> release -> review, with DMs and the community card."""

from __future__ import annotations

from urllib.parse import urlparse

from aiohttp.test_utils import TestClient

from domain.models.challenges import Challenge
from domain.models.escrow import Escrow
from domain.services import announcements
from tests.bots.telegram.conftest import Telegram
from tests.bots.telegram.fake_bot_api import FakeBotApi

GROUP = {"id": -100500, "type": "supergroup", "title": "Makers"}


async def test_post_apply_accept_fund_submit_release_review(
        telegram: Telegram, bot_api: FakeBotApi, app_client: TestClient) -> None:
    carol, dave = telegram.person(2001, "Carol"), telegram.person(2002, "Dave")
    # Carol administers a group and opts it in to announcements.
    bot_api.chat_members[(GROUP["id"], carol.id)] = "administrator"
    answer = await carol.send("/community on", chat=GROUP)
    assert answer is not None and "will be announced in Makers" in answer.text

    # --- post, as a wizard with a preview and a confirm button ---
    assert "Step 1/6" in (await carol.send("/post")).text
    assert "Step 2/6" in (await carol.send("Port the parser to Rust")).text
    assert "Step 3/6" in (await carol.send("Keep the API; pass the existing tests.")).text
    assert "Step 4/6" in (await carol.send("engineering")).text
    assert "Step 5/6" in (await carol.send("rust, parsing")).text
    refused = await carol.send("lots of money")
    assert "amount and a currency" in refused.text and "Step 5/6" in refused.text
    assert "Step 6/6" in (await carol.send("300 usd")).text
    preview = await carol.send("Design: 100\nCode: 200")
    assert "Preview" in preview.text and "100.00 USD" in preview.text
    assert not await Challenge.find({}).to_list()  # nothing is posted before the confirm
    calls = await carol.press("Post it")
    posted = next(c for c in calls if c.method == "editMessageText")
    assert "Posted!" in posted.text and "300.00 USD" in posted.text
    challenge = (await Challenge.find({}).to_list())[0]
    assert challenge.reward.amount == 30_000 and [m.amount for m in challenge.milestones] == [
        10_000, 20_000]
    card = bot_api.last_to(GROUP["id"])
    assert "Port the parser to Rust" in card.text and "open" in card.text
    assert any(f"start=c_{challenge.id}" in b.get("url", "") for b in card.buttons())
    posted_cards = await announcements.of_challenge("telegram", challenge.id)
    assert [c.community_external_id for c in posted_cards] == [str(GROUP["id"])]
    card_key = (GROUP["id"], int(posted_cards[0].message_ref))

    # --- another person finds it and applies ---
    listing = await dave.send("/challenges parser")
    assert "Port the parser to Rust" in listing.text
    asked = await dave.send(f"/apply {challenge.id}")
    assert "Send your proposal" in asked.text
    applied = await dave.send("I have written three parsers in Rust.")
    assert "Applied" in applied.text
    dm = carol.last()
    assert "New application" in dm.text and "three parsers" in dm.text

    # --- accept from the DM's button ---
    await carol.press("Accept")
    assert "accepted" in dave.last().text
    assert "in progress" in bot_api.messages[card_key]["text"]

    # --- fund: a confirmation first, then the simulated checkout paid over HTTP ---
    confirm = await carol.send(f"/fund {challenge.id}")
    assert "300.00 USD" in confirm.text and (await Escrow.find_one({})) is None
    calls = await carol.press("Fund 300.00 USD")
    checkout = next(c for c in calls if c.method == "editMessageText")
    assert "simulated" in checkout.text
    url = next(w for w in checkout.text.split() if "/simulated-checkout/" in w)
    response = await app_client.post(urlparse(url).path)
    assert response.status == 200, await response.text()
    await telegram.settle()
    assert (await Escrow.find_one({})).state == "funded"
    assert any("is funded" in t for t in dave.texts())
    assert any("is funded" in t for t in carol.texts())

    # --- submit, then release from the DM's button (with its confirmation) ---
    submitted = await dave.send(f"/submit {challenge.id} 1 Design doc: https://example.org/d")
    assert "Milestone 1" in submitted.text and "submitted" in submitted.text
    assert "submitted for review" in carol.last().text
    calls = await carol.press("Release milestone 1")
    ask = next(c for c in calls if c.method == "sendMessage")
    assert "100.00 USD goes to the solver" in ask.text
    assert (await Escrow.find_one({})).state == "funded"  # asking moved no money
    calls = await carol.press("Release 100.00 USD")
    assert any("Milestone 1 released" in c.text for c in calls)
    assert any("Milestone 1 of" in t and "released" in t for t in dave.texts())
    # The second milestone from the command, straight to its confirmation.
    await dave.send(f"/submit {challenge.id} 2 Code merged")
    ask = await carol.send(f"/release {challenge.id} 2")
    assert "200.00 USD goes to the solver" in ask.text
    await carol.press("Release 200.00 USD")
    escrow = await Escrow.find_one({})
    assert escrow.state == "released" and escrow.held == 0
    assert "completed" in bot_api.messages[card_key]["text"]

    # --- both review each other ---
    answer = await carol.send(f"/review {challenge.id} 5 Fast and careful")
    assert "5/5" in answer.text
    assert "You were reviewed" in dave.last().text
    answer = await dave.send(f"/review {challenge.id} 4 Clear brief")
    assert "4/5" in answer.text
    mine = await dave.send("/my")
    assert "You solve" in mine.text and "completed" in mine.text

