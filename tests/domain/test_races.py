"""Concurrency: many callers at once, each interleaving at every await, as two nodes would."""

from __future__ import annotations

import asyncio

from domain.errors import Conflict
from domain.models.challenges import Application, Challenge
from domain.models.chat import Conversation, ConversationKind, Message
from domain.services import accounts, applications, challenges, conversations, escrow
from tests.conftest import Users, challenge_data
from tests.domain.escrow_helpers import accepted_challenge, fund


async def test_fifty_concurrent_accepts_accept_exactly_one(deps, users: Users) -> None:
    alice = await users.make("alice")
    challenge = await challenges.post_challenge(deps, alice.id, challenge_data())
    solvers = [await accounts.platform_user(deps, "telegram", str(i), f"solver {i}")
               for i in range(50)]
    apps = [await applications.apply(deps, s.id, challenge.id, {"proposal": "pick me"})
            for s in solvers]
    results = await asyncio.gather(*(applications.accept(deps, alice.id, a.id) for a in apps),
                                   return_exceptions=True)
    winners = [r for r in results if isinstance(r, Application)]
    assert len(winners) == 1
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, Application))
    stored = await Challenge.get(challenge.id)
    assert stored.state == "in_progress" and stored.accepted_application_id == winners[0].id
    states = [a.state async for a in Application.find({"challenge_id": challenge.id})]
    assert states.count("accepted") == 1 and states.count("pending") == 0


async def test_fifty_concurrent_sends_with_one_client_id_store_one(deps, users: Users) -> None:
    alice, bob = await users.make("alice"), await users.make("bob")
    chat = await conversations.open_conversation(deps, alice.id, {"user_id": bob.id})
    payload = {"conversation_id": chat.id, "body": "once", "client_id": "same"}
    results = await asyncio.gather(*(conversations.send_message(deps, alice.id, payload)
                                     for _ in range(50)))
    assert {m.id for m in results} == {results[0].id}
    assert await Message.find({"conversation_id": chat.id}).count() == 1


async def test_concurrent_senders_get_gap_free_seqs(deps) -> None:
    people = [await accounts.platform_user(deps, "discord", str(i), f"p{i}") for i in range(20)]
    room = Conversation(kind=ConversationKind.DIRECT, key="test-room",
                        participant_ids=[p.id for p in people])
    await room.insert()
    sends = [conversations.send_message(deps, p.id, {"conversation_id": room.id,
                                                     "body": f"{p.id}:{n}",
                                                     "client_id": f"{p.id}-{n}"})
             for n in range(5) for p in people]
    results = await asyncio.gather(*sends)
    seqs = sorted(m.seq for m in results)
    assert seqs == list(range(1, 101))
    stored = sorted([m.seq async for m in Message.find({"conversation_id": room.id})])
    assert stored == seqs
    assert (await Conversation.get(room.id)).last_seq == 100


async def test_hundred_concurrent_releases_move_money_once(deps, users: Users, gateway) -> None:
    alice, _, challenge = await accepted_challenge(deps, users)
    await fund(deps, alice.id, challenge.id)
    results = await asyncio.gather(
        *(escrow.release_milestone(deps, alice.id, challenge.id, 1) for _ in range(100)),
        return_exceptions=True)
    # One decision, taken once: every caller gets its result, the gateway moves money once.
    assert not [r for r in results if isinstance(r, Exception)]
    assert {tuple(e.idempotency_key for e in r.ledger) for r in results} == {
        (f"escrow:{results[0].id}:fund", f"escrow:{results[0].id}:release:1")}
    assert len(gateway.transfers) == 1
    final = await escrow.get_escrow(alice.id, challenge.id)
    assert final.total("release") == 10_000 and final.held == 20_000
