"""Chat across surfaces: a web user (HTTP API + Socket.IO) and a Discord user talk in one
conversation. Web messages reach Discord as DMs with a Reply button; the reply (a modal)
lands in the history the web API returns and on the web user's socket."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio
from aiohttp.test_utils import TestClient

from openchance.serve import create_app
from tests.bots.discord.conftest import Discord, discord_settings
from tests.bots.discord.fake_discord_api import FakeDiscordApi


async def test_messages_cross_between_discord_and_the_web(
        discord: Discord, discord_api: FakeDiscordApi, deps: Any, storage: Any,
        aiohttp_client: Any) -> None:
    app: TestClient = await aiohttp_client(create_app(
        discord_settings(discord_api.url, discord_bot_token=None), deps=deps, storage=storage))
    registered = await app.post("/api/v1/auth/register", json={
        "email": "wendy@example.org", "password": "correct horse battery",
        "display_name": "Wendy"})
    token = (await registered.json())["token"]
    auth = {"Authorization": f"Bearer {token}"}
    posted = await app.post("/api/v1/challenges", headers=auth, json={
        "title": "Write a haiku generator", "description": "Five, seven, five.",
        "category": "writing", "reward": {"amount": 5_000, "currency": "eur"}})
    challenge_id = (await posted.json())["id"]
    tom = discord.person(850_001, "Tom")
    await tom.fill(await tom.command("apply", id=challenge_id),
                   your="Syllable counting is my thing.")
    listed = await app.get(f"/api/v1/challenges/{challenge_id}/applications", headers=auth)
    application_id = (await listed.json())["items"][0]["id"]

    web = socketio.AsyncClient(reconnection=False)
    arrived: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    web.on("message:new", lambda data: arrived.put_nowait(data["message"]))
    await web.connect(str(app.server.make_url("/")), auth={"token": token},
                      transports=["websocket"], wait_timeout=5)
    try:
        opened = await web.call("conversation:open", {"application_id": application_id},
                                timeout=5)
        conversation_id = opened["conversation"]["id"]
        joined = await web.call("conversation:join", {"conversation_id": conversation_id},
                                timeout=5)
        assert joined["ok"], joined
        sent = await web.call("message:send", {"conversation_id": conversation_id,
                                               "body": "When could you start?",
                                               "client_id": "web-1"}, timeout=5)
        assert sent["ok"], sent
        await discord.settle()
        dm, _ = tom.find("Reply")
        assert "Wendy" in dm.text and "When could you start?" in dm.text

        # Tom answers from Discord: the Reply button opens a modal.
        await tom.fill(await tom.press("Reply", dm), your="Tomorrow morning.")
        reply = await asyncio.wait_for(arrived.get(), 5)
        while reply["body"] != "Tomorrow morning.":
            reply = await asyncio.wait_for(arrived.get(), 5)
        history = await app.get(f"/api/v1/conversations/{conversation_id}/messages",
                                headers=auth)
        items = (await history.json())["items"]
        assert [m["body"] for m in items] == ["When could you start?", "Tomorrow morning."]
        assert items[1]["sender_id"] == reply["sender_id"] != items[0]["sender_id"]
    finally:
        await web.disconnect()
