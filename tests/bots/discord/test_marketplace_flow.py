"""The whole marketplace from Discord: post (modal) -> another member applies (modal) ->
accept (button) -> fund (confirmed, simulated checkout paid over HTTP) -> submit -> release
(confirmed) -> review, with DMs and the channel's card edited in place."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from aiohttp.test_utils import TestClient

from domain.models.challenges import Application, Challenge
from domain.models.escrow import Escrow
from domain.services import announcements
from openchance.serve import create_app
from tests.bots.discord.conftest import ADMIN_ROLE, CHANNEL, GUILD, Discord, discord_settings
from tests.bots.discord.fake_discord_api import EPHEMERAL, FakeDiscordApi


async def test_post_apply_accept_fund_submit_release_review(
        discord: Discord, discord_api: FakeDiscordApi, deps: Any, storage: Any,
        aiohttp_client: Any) -> None:
    web: TestClient = await aiohttp_client(create_app(
        discord_settings(discord_api.url, discord_bot_token=None), deps=deps, storage=storage))
    carol, dave = discord.person(800_001, "Carol"), discord.person(800_002, "Dave")
    # Carol manages the server and opts its #makers channel in to announcements.
    discord_api.add_member(GUILD, carol.user, roles=[ADMIN_ROLE])
    opted = await carol.ask("announcements", in_guild=True, on=True)
    assert "announced in #makers" in opted.text and opted.payload["flags"] & EPHEMERAL

    # --- post: the command opens a modal; nothing is posted before it is submitted ---
    token = await carol.command("challenge post")
    assert discord_api.modals[token]["title"] == "Post a challenge"
    assert not await Challenge.find({}).to_list()
    posted = carol.answers(await carol.fill(
        token, title="Port the parser to Rust", description="Keep the API; pass the tests.",
        category="engineering: rust, parsing", reward="300 usd",
        milestones="Design: 100\nCode: 200"))[0]
    assert "Posted!" in posted.text and "300.00 USD" in posted.text
    challenge = (await Challenge.find({}).to_list())[0]
    assert sorted(challenge.tags) == ["parsing", "rust"]
    assert [m.amount for m in challenge.milestones] == [10_000, 20_000]
    [card] = discord_api.in_channel(CHANNEL)
    assert "Port the parser to Rust" in card.text and "open" in card.text
    assert [b["label"] for b in card.buttons()] == ["Apply"]
    assert [a.message_ref for a in await announcements.of_challenge("discord", challenge.id)] == [
        str(card.id)]

    # --- Dave finds it, and applies from the card's button in the channel (a modal) ---
    listing = await dave.ask("challenge list", query="parser")
    assert "Port the parser to Rust" in listing.text
    opened = await dave.press("Apply", card)
    applied = dave.answers(await dave.fill(opened, your="I have written three parsers."))[0]
    assert "Applied" in applied.text and applied.visible_to == dave.id  # ephemeral
    dm = carol.find("Accept")[0]
    assert "New application" in dm.text and "three parsers" in dm.text

    # --- accept from the DM's button: the DM itself is updated ---
    await carol.press("Accept", dm)
    assert (await Application.find_one({})).state == "accepted"
    assert "accepted" in discord_api.messages[dm.id].text
    assert any("was accepted" in m.text for m in discord_api.visible_to(dave.id))
    assert "in progress" in discord_api.messages[card.id].text  # the card, edited in place

    # --- fund: a confirmation first; its button starts the (simulated) checkout ---
    confirm = await carol.ask("escrow fund", id=challenge.id)
    assert "300.00 USD" in confirm.text and await Escrow.find_one({}) is None
    await carol.press("Fund 300.00 USD", confirm)
    checkout = discord_api.messages[confirm.id]
    assert "simulated" in checkout.text
    url = next(b["url"] for b in checkout.buttons() if b.get("url"))
    response = await web.post(urlparse(url).path)
    assert response.status == 200, await response.text()
    await discord.settle()
    assert (await Escrow.find_one({})).state == "funded"
    assert any("is funded" in m.text and "/escrow submit" in m.text
               for m in discord_api.visible_to(dave.id))

    # --- submit, then release from the DM's button, with its confirmation ---
    submitted = await dave.ask("escrow submit", id=challenge.id, n=1,
                               note="Design doc: https://example.org/d")
    assert "Milestone 1" in submitted.text and "submitted" in submitted.text
    asked = carol.answers(await carol.press("Release milestone 1"))[0]
    assert "100.00 USD goes to the solver" in asked.text
    assert (await Escrow.find_one({})).state == "funded"  # asking moved no money
    await carol.press("Release 100.00 USD", asked)
    assert "Milestone 1 released" in discord_api.messages[asked.id].text
    assert not discord_api.messages[asked.id].buttons()  # the confirmation is used up
    await dave.ask("escrow submit", id=challenge.id, n=2, note="Code merged")
    asked = await carol.ask("escrow release", id=challenge.id, n=2)
    await carol.press("Release 200.00 USD", asked)
    held = await Escrow.find_one({})
    assert held.state == "released" and held.held == 0
    assert "completed" in discord_api.messages[card.id].text

    # --- both review each other ---
    assert "5/5" in (await carol.ask("review", id=challenge.id, rating=5, text="Careful")).text
    assert any("You were reviewed" in m.text for m in discord_api.visible_to(dave.id))
    assert "4/5" in (await dave.ask("review", id=challenge.id, rating=4, text="Clear")).text
    mine = await dave.ask("my")
    assert "You solve" in mine.text and "completed" in mine.text
