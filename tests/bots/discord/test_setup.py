"""Start-up: REST goes where DISCORD_API_URL says; application commands are synced on start,
to one server when DISCORD_GUILD_ID names it, else globally; the commands are the Discord
column of the contract's bot table."""

from __future__ import annotations

from typing import Any

from bots.discord.gateway import run_gateway
from tests.bots.discord.conftest import Discord, start_bot
from tests.bots.discord.fake_discord_api import FakeDiscordApi

CONTRACT = {"help": None, "link": None, "challenge": ["list", "post", "show"], "apply": None,
            "escrow": ["fund", "refund", "release", "submit"], "review": None, "my": None,
            "mod": ["ban", "remove", "reports", "unban"], "announcements": None}


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
    from domain.settings import Settings

    assert await run_gateway(Settings(_env_file=None, discord_bot_token=None)) == 2
