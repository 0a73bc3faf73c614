"""Malformed payloads get error acks, the connection stays up, nothing changes; limits hold."""

from __future__ import annotations

import asyncio
from typing import Any

from domain.models.chat import Message
from tests.realtime.conftest import LiveServer, Person


def malformed(conversation_id: str) -> list[tuple[str, tuple[Any, ...], str]]:
    """(event, arguments, expected error code): more than twenty different kinds."""
    ok_send = {"conversation_id": conversation_id, "body": "x", "client_id": "c"}
    return [
        ("message:send", (), "validation_error"),                          # no payload
        ("message:send", ("just a string",), "validation_error"),
        ("message:send", (42,), "validation_error"),
        ("message:send", ([1, 2, 3],), "validation_error"),
        ("message:send", (ok_send, ok_send), "validation_error"),          # two arguments
        ("message:send", ({"conversation_id": conversation_id},), "validation_error"),
        ("message:send", ({**ok_send, "body": ""},), "validation_error"),
        ("message:send", ({**ok_send, "body": "   "},), "validation_error"),
        ("message:send", ({**ok_send, "body": 7},), "validation_error"),
        ("message:send", ({**ok_send, "body": "y" * 4001},), "validation_error"),
        ("message:send", ({**ok_send, "body": "z" * 100_000},), "validation_error"),
        ("message:send", ({**ok_send, "client_id": ""},), "validation_error"),
        ("message:send", ({**ok_send, "client_id": "k" * 65},), "validation_error"),
        ("message:send", ({**ok_send, "client_id": ["a"]},), "validation_error"),
        ("message:send", ({**ok_send, "conversation_id": {"$ne": None}},), "validation_error"),
        ("message:send", ({**ok_send, "extra": True},), "validation_error"),
        ("message:send", ({**ok_send, "conversation_id": "nope"},), "not_found"),
        ("conversation:join", ({},), "validation_error"),
        ("conversation:join", ({"conversation_id": conversation_id, "after_seq": -1},),
         "validation_error"),
        ("conversation:join", ({"conversation_id": conversation_id, "after_seq": True},),
         "validation_error"),
        ("conversation:join", ({"conversation_id": conversation_id, "after_seq": "3"},),
         "validation_error"),
        ("conversation:join", ({"conversation_id": "x" * 500},), "not_found"),
        ("conversation:join", ({"conversation_id": ""},), "validation_error"),
        ("conversation:open", ({},), "validation_error"),
        ("conversation:open", ({"user_id": "a", "challenge_id": "b"},), "validation_error"),
        ("conversation:open", ({"user_id": "no-such-user"},), "not_found"),
        ("typing", ({"conversation_id": conversation_id, "is_typing": "yes"},),
         "validation_error"),
        ("typing", ({"conversation_id": conversation_id},), "validation_error"),
        ("message:read", ({"conversation_id": conversation_id, "seq": 99},), "validation_error"),
        ("message:read", ({"conversation_id": conversation_id, "seq": 1.5},),
         "validation_error"),
        ("presence:query", ({"user_ids": "abc"},), "validation_error"),
        ("presence:query", ({"user_ids": []},), "validation_error"),
        ("presence:query", ({"user_ids": ["u"] * 101},), "validation_error"),
        ("presence:query", ({"user_ids": [None]},), "validation_error"),
        ("challenge:watch", ({"challenge_id": 5},), "not_found"),
        ("challenge:watch", ({"challenge_id": "missing"},), "not_found"),
        ("no:such:event", ({"x": 1},), "unknown_event"),
    ]


async def test_malformed_payloads_get_error_acks_and_the_server_keeps_serving(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    server.realtime.options.event_burst = 1000  # this test is about payloads, not rate
    a, b = await server.client(alice), await server.client(bob)
    await b.call("conversation:join", {"conversation_id": conversation_id})
    cases = malformed(conversation_id)
    assert len(cases) >= 20
    for event, args, code in cases:
        ack = await a.sio.call(event, args[0] if len(args) == 1 else (args or None), timeout=5)
        assert ack["ok"] is False, (event, args, ack)
        assert ack["error"]["code"] == code, (event, str(args)[:80], ack)
        assert isinstance(ack["error"]["message"], str) and ack["error"]["message"]
    # Garbage below Socket.IO (an unparseable packet) does not hurt either.
    await a.sio.eio.send("2[not json")
    assert a.sio.connected
    assert await Message.find({"conversation_id": conversation_id}).count() == 0
    ack = await a.call("message:send", {"conversation_id": conversation_id, "body": "still here",
                                        "client_id": "fine"})
    assert ack["ok"] and ack["message"]["seq"] == 1
    assert (await b.wait_for("message:new"))[0]["message"]["body"] == "still here"


async def test_a_flood_is_rate_limited_per_socket_and_recovers(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    options = server.realtime.options
    options.events_per_second, options.event_burst = 5.0, 10
    a, b = await server.client(alice), await server.client(bob)
    acks = await asyncio.gather(*(a.call("message:send", {
        "conversation_id": conversation_id, "body": f"{i}", "client_id": f"f{i}"})
        for i in range(40)))
    limited = [ack for ack in acks if not ack["ok"]]
    assert limited and all(ack["error"]["code"] == "rate_limited" for ack in limited)
    assert sum(ack["ok"] for ack in acks) < 20
    # Another socket has its own budget.
    assert (await b.call("message:send", {"conversation_id": conversation_id, "body": "b",
                                          "client_id": "b1"}))["ok"]
    await asyncio.sleep(0.5)  # refills at 5 per second
    assert a.sio.connected
    assert (await a.call("message:send", {"conversation_id": conversation_id, "body": "later",
                                          "client_id": "later"}))["ok"]
