"""Chat across surfaces: a web user (HTTP API + Socket.IO) and a Slack user talk in one
conversation. Web messages reach Slack as DMs; an answer in the DM's thread (an Events API
message) or through the Reply button's modal lands in the history the web API returns and
on the web user's socket."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio

from domain.models.users import Platform
from domain.services import accounts, challenges
from tests.bots.slack.conftest import Slack
from tests.conftest import challenge_data


async def next_body(arrived: asyncio.Queue[dict[str, Any]], body: str) -> dict[str, Any]:
    while True:
        message = await asyncio.wait_for(arrived.get(), 5)
        if message["body"] == body:
            return message


async def test_messages_cross_between_slack_and_the_web(slack: Slack) -> None:
    app = slack.client
    registered = await app.post("/api/v1/auth/register", json={
        "email": "wendy@example.org", "password": "correct horse battery",
        "display_name": "Wendy"})
    token = (await registered.json())["token"]
    auth = {"Authorization": f"Bearer {token}"}
    posted = await app.post("/api/v1/challenges", headers=auth, json={
        "title": "Write a haiku generator", "description": "Five, seven, five.",
        "category": "writing", "reward": {"amount": 5_000, "currency": "eur"}})
    challenge_id = (await posted.json())["id"]
    tom = slack.person("U0TOM", "Tom")
    await tom.command(f"apply {challenge_id}")
    await tom.fill(proposal="Syllable counting is my thing.")
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
        await slack.settle()
        dm, _ = tom.find("Reply")
        assert "Wendy" in dm.readable and "When could you start?" in dm.readable
        assert dm.channel == tom.dm and "thread" in dm.readable

        # Tom answers in the DM's thread: the Events API brings it in.
        [confirmed] = await tom.say("Tomorrow morning.", thread_ts=dm.ts)
        assert "Sent" in confirmed.readable and confirmed.thread_ts == dm.ts
        first = await next_body(arrived, "Tomorrow morning.")

        # ...and once more with the Reply button, which opens a modal.
        await tom.press("Reply", dm)
        await tom.fill(body="Or tonight, if you like.")
        await next_body(arrived, "Or tonight, if you like.")

        history = await app.get(f"/api/v1/conversations/{conversation_id}/messages",
                                headers=auth)
        items = (await history.json())["items"]
        assert [m["body"] for m in items] == ["When could you start?", "Tomorrow morning.",
                                              "Or tonight, if you like."]
        assert items[1]["sender_id"] == first["sender_id"] != items[0]["sender_id"]
    finally:
        await web.disconnect()


async def test_a_dm_that_starts_with_a_verb_is_that_command(slack: Slack, deps: Any) -> None:
    owner = await accounts.platform_user(deps, Platform.SLACK, "T0001:U0OWN", "Own")
    posted = await challenges.post_challenge(deps, owner.id, challenge_data())
    own = slack.person("U0OWN", "Own")
    [listing] = await own.say("list importer")
    assert "Make the importer fast" in listing.readable and listing.channel == own.dm
    [confirm] = await own.say(f"fund {posted.id}")
    assert "300.00 USD" in confirm.readable
    assert [b["text"]["text"] for b in confirm.buttons()] == ["✅ Fund 300.00 USD", "Cancel"]
    [usage] = await own.say("submit")
    assert "is missing" in usage.readable
    [pointer] = await own.say("post")  # a form needs the slash command's trigger
    assert "/challenge help" in pointer.readable
