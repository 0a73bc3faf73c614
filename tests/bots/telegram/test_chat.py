"""Chat across surfaces: a web user (HTTP API + Socket.IO) and a Telegram user talk in one
conversation; Telegram replies land in the history the web API returns, and web messages
reach Telegram as DMs."""

from __future__ import annotations

import socketio
from aiohttp.test_utils import TestClient

from tests.bots.telegram.conftest import Telegram
from tests.bots.telegram.fake_bot_api import FakeBotApi


async def _web_user(client: TestClient, name: str) -> tuple[str, dict]:
    response = await client.post("/api/v1/auth/register", json={
        "email": f"{name}@example.org", "password": "correct horse battery",
        "display_name": name})
    assert response.status == 201, await response.text()
    body = await response.json()
    return body["token"], body["user"]


async def test_messages_cross_between_telegram_and_the_web(
        telegram: Telegram, bot_api: FakeBotApi, app_client: TestClient) -> None:
    token, _ = await _web_user(app_client, "Wendy")
    auth = {"Authorization": f"Bearer {token}"}
    response = await app_client.post("/api/v1/challenges", headers=auth, json={
        "title": "Write a haiku generator", "description": "Five, seven, five.",
        "category": "writing", "reward": {"amount": 5_000, "currency": "eur"}})
    assert response.status == 201, await response.text()
    challenge_id = (await response.json())["id"]
    tom = telegram.person(3001, "Tom")
    await tom.send(f"/apply {challenge_id} Syllable counting is my thing.")
    listed = await app_client.get(f"/api/v1/challenges/{challenge_id}/applications",
                                  headers=auth)
    application_id = (await listed.json())["items"][0]["id"]

    # The web side writes over Socket.IO, as the web client does.
    web = socketio.AsyncClient(reconnection=False)
    await web.connect(str(app_client.server.make_url("/")), auth={"token": token},
                      transports=["websocket"], wait_timeout=5)
    try:
        opened = await web.call("conversation:open", {"application_id": application_id},
                                timeout=5)
        assert opened["ok"], opened
        conversation_id = opened["conversation"]["id"]
        sent = await web.call("message:send", {"conversation_id": conversation_id,
                                               "body": "When could you start?",
                                               "client_id": "web-1"}, timeout=5)
        assert sent["ok"], sent
        dm = await bot_api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == tom.id
                                    and "When could you start?" in c.text)
        assert "Wendy" in dm.text and any("Reply" in b["text"] for b in dm.buttons())

        # Tom swipe-replies to the DM in Telegram ...
        dm_message = next(m for (chat, _), m in reversed(bot_api.messages.items())
                          if chat == tom.id and "When could you start?" in m["text"])
        answer = await tom.send("Tomorrow morning.", reply_to=dm_message)
        assert answer is not None and "Sent" in answer.text
        # ... and again through the Reply button.
        await tom.press("Reply")
        await tom.send("I will share a draft by noon.")
        # A repeated delivery of the same Telegram update does not post twice.
        duplicate = tom.message("Tomorrow morning.", reply_to=dm_message)
        await telegram.feed({"message": duplicate})
        await telegram.feed({"message": duplicate})

        history = await app_client.get(f"/api/v1/conversations/{conversation_id}/messages",
                                       headers=auth)
        assert history.status == 200, await history.text()
        items = (await history.json())["items"]
        assert [m["body"] for m in items] == ["When could you start?", "Tomorrow morning.",
                                             "I will share a draft by noon.",
                                             "Tomorrow morning."]
        assert [m["seq"] for m in items] == [1, 2, 3, 4]
        assert len({m["sender_id"] for m in items[1:]}) == 1  # all three from Tom's account
    finally:
        await web.disconnect()
