"""Conversations over real Socket.IO clients on a real TCP port."""

from __future__ import annotations

import asyncio

import pytest
import socketio

from domain.models.chat import Message
from domain.services.conversations import send_message
from tests.realtime.conftest import LiveServer, Person


async def test_connect_needs_a_valid_token(server: LiveServer) -> None:
    alice = await server.person("alice")
    for token in (None, "", "x" * 40, 12345):
        with pytest.raises(socketio.exceptions.ConnectionError):
            await server.client(token=token)  # type: ignore[arg-type]
    client = await server.client(alice)
    assert client.sio.connected


async def test_messages_arrive_in_order_with_the_contract_shape(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    a, b = await server.client(alice), await server.client(bob)
    for client in (a, b):
        assert await client.call("conversation:join", {"conversation_id": conversation_id}) == {
            "ok": True, "missed": [], "has_more": False}
    # Sent without waiting for each ack: the server still handles them in the order sent.
    acks = await asyncio.gather(*(a.call("message:send", {
        "conversation_id": conversation_id, "body": f"m{i}", "client_id": f"c{i}"})
        for i in range(30)))
    assert all(ack["ok"] for ack in acks)
    pushed = await b.wait_for("message:new", lambda got: len(got) >= 30)
    messages = [p["message"] for p in pushed]
    assert [m["seq"] for m in messages] == list(range(1, 31))
    assert [m["body"] for m in messages] == [f"m{i}" for i in range(30)]
    first = messages[0]
    assert set(first) == {"id", "conversation_id", "seq", "sender_id", "body", "client_id",
                          "created_at"}
    assert (first["conversation_id"], first["sender_id"], first["client_id"]) == (
        conversation_id, alice.id, "c0")
    assert first == acks[0]["message"]


async def test_rejoin_after_seq_replays_exactly_what_was_missed(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    a, b = await server.client(alice), await server.client(bob)
    for client in (a, b):
        await client.call("conversation:join", {"conversation_id": conversation_id})
    for i in range(5):
        await a.call("message:send", {"conversation_id": conversation_id, "body": f"before {i}",
                                      "client_id": f"b{i}"})
    seen = await b.wait_for("message:new", lambda got: len(got) >= 5)
    last_seq = seen[-1]["message"]["seq"]
    await b.close()
    for i in range(50):
        ack = await a.call("message:send", {"conversation_id": conversation_id,
                                            "body": f"while away {i}", "client_id": f"w{i}"})
        assert ack["ok"]
    back = await server.client(bob)
    ack = await back.call("conversation:join", {"conversation_id": conversation_id,
                                                "after_seq": last_seq})
    missed = ack["missed"]
    assert [m["seq"] for m in missed] == list(range(last_seq + 1, last_seq + 51))
    assert [m["body"] for m in missed] == [f"while away {i}" for i in range(50)]
    assert ack["has_more"] is False
    # Live again: the next message comes as a push, once.
    await a.call("message:send", {"conversation_id": conversation_id, "body": "welcome back",
                                  "client_id": "wb"})
    pushed = await back.wait_for("message:new")
    await asyncio.sleep(0.1)
    assert [p["message"]["seq"] for p in back.received["message:new"]] == [last_seq + 51]
    assert pushed[0]["message"]["body"] == "welcome back"


async def test_same_client_id_twice_stores_one_message(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, _, conversation_id = pair
    a = await server.client(alice)
    payload = {"conversation_id": conversation_id, "body": "only once", "client_id": "dup-1"}
    first, second = await a.call("message:send", payload), await a.call("message:send", payload)
    assert first["ok"] and second["ok"]
    assert first["message"] == second["message"]
    assert await Message.find({"conversation_id": conversation_id}).count() == 1


async def test_typing_reaches_the_other_member_expires_and_is_never_stored(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    a, b = await server.client(alice), await server.client(bob)
    for client in (a, b):
        await client.call("conversation:join", {"conversation_id": conversation_id})
    ack = await a.call("typing", {"conversation_id": conversation_id, "is_typing": True})
    assert ack == {"ok": True}
    started = await b.wait_for("typing")
    assert started == [{"conversation_id": conversation_id, "user_id": alice.id,
                        "is_typing": True}]
    # Nobody refreshes it: it ends by itself a typing_ttl (0.6 s here) later.
    stopped = await b.wait_for("typing", lambda got: len(got) >= 2, timeout=3)
    assert stopped[1]["is_typing"] is False
    # The typist's own socket is not told it started (only, with everyone, that it expired).
    assert [t["is_typing"] for t in a.received["typing"]] == [False]
    assert await Message.find({"conversation_id": conversation_id}).count() == 0
    history = await b.call("conversation:join", {"conversation_id": conversation_id})
    assert history["missed"] == []


async def test_a_non_member_can_neither_join_nor_read(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, _, conversation_id = pair
    mallory = await server.person("mallory")
    a, m = await server.client(alice), await server.client(mallory)
    await a.call("conversation:join", {"conversation_id": conversation_id})
    await a.call("message:send", {"conversation_id": conversation_id, "body": "secret",
                                  "client_id": "s1"})
    for event, payload in [
        ("conversation:join", {"conversation_id": conversation_id}),
        ("conversation:join", {"conversation_id": conversation_id, "after_seq": 0}),
        ("message:send", {"conversation_id": conversation_id, "body": "hi", "client_id": "x"}),
        ("message:read", {"conversation_id": conversation_id, "seq": 1}),
        ("typing", {"conversation_id": conversation_id, "is_typing": True}),
    ]:
        ack = await m.call(event, payload)
        assert ack["ok"] is False and ack["error"]["code"] == "not_found", (event, ack)
    await a.call("message:send", {"conversation_id": conversation_id, "body": "more secret",
                                  "client_id": "s2"})
    await asyncio.sleep(0.2)
    assert m.received["message:new"] == [] and m.received["typing"] == []


async def test_read_receipts_reach_the_conversation(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    a, b = await server.client(alice), await server.client(bob)
    for client in (a, b):
        await client.call("conversation:join", {"conversation_id": conversation_id})
    for i in range(3):
        await a.call("message:send", {"conversation_id": conversation_id, "body": str(i),
                                      "client_id": f"r{i}"})
    assert await b.call("message:read", {"conversation_id": conversation_id, "seq": 2}) == {
        "ok": True, "seq": 2}
    receipts = await a.wait_for("read")
    assert receipts == [{"conversation_id": conversation_id, "user_id": bob.id, "seq": 2}]
    # Never decreases.
    assert (await b.call("message:read", {"conversation_id": conversation_id, "seq": 1}))[
        "seq"] == 2


async def test_messages_sent_outside_sockets_are_pushed_too(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    b = await server.client(bob)
    await b.call("conversation:join", {"conversation_id": conversation_id})
    # What the HTTP API or a bot does: the domain service, no socket involved.
    await send_message(server.deps, alice.id, {"conversation_id": conversation_id,
                                               "body": "from a bot", "client_id": "bot-1"})
    pushed = await b.wait_for("message:new")
    assert pushed[0]["message"]["body"] == "from a bot"


async def test_conversation_open_returns_the_same_conversation(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    a = await server.client(alice)
    ack = await a.call("conversation:open", {"user_id": bob.id})
    assert ack["ok"] and ack["conversation"]["id"] == conversation_id
    assert sorted(ack["conversation"]["participant_ids"]) == sorted([alice.id, bob.id])
