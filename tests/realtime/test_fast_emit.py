"""The direct broadcast path: one encoded frame written to every recipient, corked per socket,
never overtaking a packet queued earlier for the same socket."""

from __future__ import annotations

import asyncio

from domain.services.conversations import send_message
from tests.realtime.conftest import LiveServer, Person


async def test_broadcasts_use_shared_frames_and_keep_per_socket_order(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    tabs = [await server.client(bob) for _ in range(12)]
    for tab in tabs:
        await tab.call("conversation:join", {"conversation_id": conversation_id})
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
