"""The direct broadcast path: one encoded frame written to every recipient, corked per socket,
never overtaking a packet queued earlier for the same socket."""

from __future__ import annotations

import asyncio

from domain.adapters.socket_push import conversation_room
from domain.services.conversations import send_message
from tests.realtime.conftest import LiveClient, LiveServer, Person


async def joined_tabs(server: LiveServer, who: Person, conversation_id: str,
                      count: int) -> list[LiveClient]:
    """``count`` sockets of ``who``, each joined to the conversation."""
    tabs = [await server.client(who) for _ in range(count)]
    for tab in tabs:
        await tab.call("conversation:join", {"conversation_id": conversation_id})
    return tabs


async def test_broadcasts_use_shared_frames_and_keep_per_socket_order(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    tabs = await joined_tabs(server, bob, conversation_id, 12)
    manager = server.realtime.manager
    before = manager.direct_writes
    # Many sends in one go (a bot, say): several land in one loop iteration and share writes.
    await asyncio.gather(*(send_message(server.deps, alice.id, {
        "conversation_id": conversation_id, "body": f"n{i}", "client_id": f"n{i}"})
        for i in range(60)))
    for tab in tabs:
        pushed = await tab.wait_for("message:new", lambda got: len(got) >= 60)
        assert [p["message"]["seq"] for p in pushed] == list(range(1, 61))
    assert manager.direct_writes - before == 60 * 12
    assert manager.transport_writes < manager.direct_writes  # frames were coalesced


async def test_acks_and_pushes_to_one_socket_stay_in_order(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    a, b = await server.client(alice), await server.client(bob)
    for client in (a, b):
        await client.call("conversation:join", {"conversation_id": conversation_id})
    order: list[str] = []
    b.sio.on("message:new", lambda data: order.append(f"push {data['message']['seq']}"))

    async def read(seq: int) -> None:
        ack = await b.call("message:read", {"conversation_id": conversation_id, "seq": seq})
        order.append(f"ack {ack['seq']}")

    for i in range(1, 21):
        await a.call("message:send", {"conversation_id": conversation_id, "body": str(i),
                                      "client_id": f"o{i}"})
        # Bob acknowledges reading message i: its push must have reached him before the ack.
        await read(i)
    pushes = [int(x.split()[1]) for x in order if x.startswith("push")]
    assert pushes == list(range(1, 21))
    for i in range(1, 21):
        assert order.index(f"push {i}") < order.index(f"ack {i}")


async def test_every_transport_gets_broadcasts_and_acks_in_order(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    # A WebSocket from the start has no Engine.IO writer task (its queue writes at once);
    # long-polling, and a socket upgraded from it, keep Engine.IO's queue and writer.
    alice, bob, conversation_id = pair
    # A long-polling client's disconnect waits for its pending poll, answered at the next
    # ping (or its timeout): half a second of each keeps the teardown short.
    server.realtime.sio.eio.ping_interval = server.realtime.sio.eio.ping_timeout = 0.5
    ways = [("websocket",), ("polling",), ("polling", "websocket")]
    tabs = [await server.client(bob, transports=way) for way in ways]
    sender = await server.client(alice)
    for tab in [*tabs, sender]:
        await tab.call("conversation:join", {"conversation_id": conversation_id})
    await asyncio.sleep(0.3)  # the third tab's upgrade to WebSocket
    assert [tab.sio.transport() for tab in tabs] == ["websocket", "polling", "websocket"]
    sockets = server.realtime.manager.direct_sockets
    queues = [type(ws.eio_socket.queue).__name__ for ws in sockets.values()]
    assert queues.count("SocketQueue") == len(queues) >= 3
    for i in range(1, 31):
        ack = await sender.call("message:send", {"conversation_id": conversation_id,
                                                 "body": str(i), "client_id": f"t{i}"})
        assert ack["ok"] and ack["message"]["seq"] == i
    for tab in tabs:
        pushed = await tab.wait_for("message:new", lambda got: len(got) >= 30)
        assert [p["message"]["seq"] for p in pushed] == list(range(1, 31))
        read = await tab.call("message:read", {"conversation_id": conversation_id, "seq": 30})
        assert read["ok"]


async def test_a_room_broadcast_with_bytes_goes_out_as_binary(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    # Broadcasts are encoded as text without searching them for bytes; one carrying bytes
    # still reaches every member as a binary attachment, intact.
    _, bob, conversation_id = pair
    tabs = await joined_tabs(server, bob, conversation_id, 2)
    blob = bytes(range(256)) * 4
    await server.realtime.sio.emit("file", {"name": "x.bin", "data": blob},
                                   to=conversation_room(conversation_id))
    for tab in tabs:
        got = (await tab.wait_for("file"))[0]
        assert got == {"name": "x.bin", "data": blob}
