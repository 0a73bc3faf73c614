"""Discord's 3-second limit: every interaction is acknowledged before any domain work, so a
slow domain call still answers in time. And a restart: buttons sent before it still work."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bots.discord.bot import OpenChanceBot
from domain.models.challenges import Application
from domain.models.users import Platform
from domain.services import accounts, applications, challenges
from openchance.bootstrap import build_deps
from openchance.settings import Settings
from tests.bots.discord.conftest import Discord, start_bot
from tests.bots.discord.fake_discord_api import FakeDiscordApi
from tests.conftest import challenge_data

DISCORD_LIMIT = 3.0


async def test_a_slow_domain_call_is_acknowledged_first(
        discord: Discord, deps: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    gate, entered = asyncio.Event(), asyncio.Event()
    real = challenges.list_challenges

    async def slow_listing(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        await gate.wait()  # held until the test has seen the acknowledgement
        return await real(*args, **kwargs)

    monkeypatch.setattr(challenges, "list_challenges", slow_listing)
    owner = await accounts.platform_user(deps, Platform.DISCORD, "830009", "Owner")
    await challenges.post_challenge(deps, owner.id, challenge_data(title="Slow but sure"))
    kim = discord.person(830_001, "Kim")
    started = time.monotonic()
    answered = asyncio.create_task(kim.command("challenge list"))
    await asyncio.wait_for(entered.wait(), 10)
    [(token, kind, at)] = discord.api.callbacks
    assert kind == 5 and at - started < DISCORD_LIMIT  # "thinking…", before the domain ran
    assert not kim.answers(token)[0].text  # nothing to read yet
    gate.set()
    await answered
    assert "Slow but sure" in kim.answers(token)[0].text  # the placeholder, edited


async def test_buttons_sent_before_a_restart_still_work(
        discord: Discord, discord_api: FakeDiscordApi, deps: Any, gateway: Any) -> None:
    olga, sam = discord.person(840_001, "Olga"), discord.person(840_002, "Sam")
    owner = await accounts.platform_user(deps, Platform.DISCORD, str(olga.id), "Olga")
    solver = await accounts.platform_user(deps, Platform.DISCORD, str(sam.id), "Sam")
    challenge = await challenges.post_challenge(deps, owner.id, challenge_data())
    application = await applications.apply(deps, solver.id, challenge.id, {"proposal": "me"})
    await discord.settle()
    dm = olga.find("Accept")[0]  # sent by the bot before the restart
    await discord.bot.close()

    # A new process: its own collaborators and bot, the same store and Discord.
    fresh = build_deps(Settings(password_hash_profile="cheapest"), gateway=gateway)
    restarted: OpenChanceBot = await start_bot(fresh, discord_api)
    try:
        after = Discord(discord_api, restarted)
        await after.person(olga.id, "Olga").press("Accept", dm)
        assert (await Application.get(application.id)).state == "accepted"
        assert "accepted" in discord_api.messages[dm.id].text
        assert any("was accepted" in m.text for m in discord_api.visible_to(sam.id))
    finally:
        await restarted.close()
