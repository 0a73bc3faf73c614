"""Start-up: REST goes where DISCORD_API_URL says; application commands are synced on start,
to one server when DISCORD_GUILD_ID names it, else globally; the commands are the Discord
column of the contract's bot table."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

from bots.discord.gateway import run_gateway
from tests.bots.discord.conftest import TOKEN, Discord, Person, start_bot
from tests.bots.discord.fake_discord_api import FakeDiscordApi

CONTRACT = {"help": None, "link": None,
            "challenge": ["list", "matches", "mymatches", "post", "show"],
            "apply": None, "escrow": ["fund", "refund", "release", "submit"], "review": None,
            "my": None, "settings": None, "alerts": None,
            "mod": ["ban", "flags", "remove", "reports", "unban"], "announcements": None}


async def test_login_and_global_sync_go_to_the_configured_api(discord: Discord) -> None:
    assert discord.api.requests[:3] == [
        ("GET", "/api/v10/users/@me"), ("GET", "/api/v10/oauth2/applications/@me"),
        ("PUT", f"/api/v10/applications/{discord.bot.application_id}/commands")]
    synced = {c["name"]: sorted(o["name"] for o in c.get("options", []) if o["type"] == 1)
              or None for c in discord.api.commands["global"]}
    assert synced == CONTRACT
    announcements = next(c for c in discord.api.commands["global"]
                         if c["name"] == "announcements")
    assert int(announcements["default_member_permissions"]) == 0x20  # Manage Server


async def test_commands_sync_to_one_server_when_configured(
        deps: Any, storage: Any, discord_api: FakeDiscordApi) -> None:
    bot = await start_bot(deps, discord_api, discord_guild_id="123456789")
    try:
        assert set(discord_api.commands) == {"123456789"}
        assert {c["name"] for c in discord_api.commands["123456789"]} == set(CONTRACT)
    finally:
        await bot.close()


async def test_no_token_no_bot() -> None:
    from openchance.settings import Settings

    assert await run_gateway(Settings(_env_file=None, discord_bot_token=None)) == 2


async def test_gateway_process(discord_api: FakeDiscordApi) -> None:
    """`openchance bot discord` on its own: logs in, syncs, connects to the gateway, and
    answers an interaction that arrives there."""
    env = {**os.environ, "DISCORD_BOT_TOKEN": TOKEN, "DISCORD_API_URL": discord_api.url}
    for name in ("MONGODB_URL", "REDIS_URL", "DISCORD_GUILD_ID"):
        env.pop(name, None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "openchance.cli", "bot", "discord", env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        # A loaded machine can take most of a minute to start a Python process with these.
        await asyncio.wait_for(discord_api.identified.wait(), 90)
        pat = Person(None, 860_001, "Pat")  # no bot of the test's own: the process answers
        payload = pat.interaction(2, {"id": "1", "name": "help", "type": 1, "options": []},
                                  in_guild=False)
        discord_api.interactions[payload["token"]] = payload
        await discord_api.dispatch("INTERACTION_CREATE", payload)
        for _ in range(300):
            answers = discord_api.answers(payload["token"])
            if answers and "Hello, Pat" in answers[0].text:
                break
            await asyncio.sleep(0.1)
        assert answers and "/challenge post" in answers[0].text
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 20)
    assert b"Traceback" not in stderr, stderr.decode()[-2000:]
