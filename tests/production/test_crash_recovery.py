"""kill -9 of `openchance serve` on a data directory, in the middle of a flow of messages,
applications and escrow steps, round after round.

Each round starts the server on the same OPENCHANCE_DATA_DIR, checks that everything
acknowledged in earlier rounds is there (messages with their seq, sessions, each challenge's
application and escrow with an intact ledger), drives new writes from several concurrent
clients, and SIGKILLs the process at a random moment. A write that was in flight at the kill
may or may not have landed; one that was acknowledged must have. CRASH_ROUNDS sets the rounds
(default 4; e.g. CRASH_ROUNDS=30 for a long run).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from tests.conftest import challenge_data
from tests.production.platform import Api, Chat, Node, process_env

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "4"))
# The steps of one challenge, in order; a flow remembers how many were acknowledged.
STEPS = ("create", "apply", "accept", "fund", "pay", "submit 1", "release 1", "submit 2",
         "release 2")


@dataclass
class Flow:
    owner: Api
    solver: Api
    challenge_id: str | None = None
    application_id: str | None = None
    checkout_url: str | None = None
    acknowledged: int = 0
    in_flight: bool = False

    async def advance(self) -> None:
        self.in_flight = True
        step = STEPS[self.acknowledged]
        if step == "create":
            body = await self.owner.call("POST", "/challenges", 201, json=challenge_data())
            self.challenge_id = body["id"]
        elif step == "apply":
            body = await self.solver.call("POST", f"/challenges/{self.challenge_id}/applications",
                                          201, json={"proposal": "I will do it"})
            self.application_id = body["id"]
        elif step == "accept":
            await self.owner.call("POST", f"/applications/{self.application_id}/accept")
        elif step == "fund":
            body = await self.owner.call("POST", f"/challenges/{self.challenge_id}/escrow/fund")
            self.checkout_url = body["checkout_url"]
        elif step == "pay":
            path = re.sub(r"^https?://[^/]+", "", self.checkout_url or "")
            async with self.owner.session.post(self.owner.base + path) as response:
                assert response.status == 200, await response.text()
        else:
            verb, n = step.split()
            await (self.solver if verb == "submit" else self.owner).call(
                "POST", f"/challenges/{self.challenge_id}/milestones/{n}/{verb}",
                json={"note": "done"} if verb == "submit" else None)
        self.acknowledged += 1
        self.in_flight = False

    async def observe(self) -> int:
        """How many steps the server shows as done, checking the ledger on the way."""
        if self.challenge_id is None:
            return 0
        await self.owner.call("GET", f"/challenges/{self.challenge_id}")
        apps = (await self.owner.call(
            "GET", f"/challenges/{self.challenge_id}/applications"))["items"]
        if not apps:
            return 1
        assert len(apps) == 1, apps
        self.application_id = apps[0]["id"]
        if apps[0]["state"] != "accepted":
            return 2
        escrow = await self.owner.call("GET", f"/challenges/{self.challenge_id}/escrow",
                                       (200, 404))
        if "error" in escrow:
            return 3
        check_ledger(escrow)
        if escrow["state"] == "awaiting_funding":
            return 4
        done = 5
        for milestone in escrow["milestones"]:
            done += {"pending": 0, "submitted": 1, "released": 2}[milestone["state"]]
        return done


def check_ledger(escrow: dict[str, Any]) -> None:
    """Every movement once, in order, and what is held is what the ledger says."""
    ledger = escrow["ledger"]
    released = [m for m in escrow["milestones"] if m["state"] == "released"]
    if escrow["state"] == "awaiting_funding":
        assert ledger == []
        return
    assert [e["kind"] for e in ledger] == ["fund"] + ["release"] * len(released), ledger
    assert ledger[0]["amount"] == escrow["amount"]["amount"] == 30_000
    assert [e["milestone"] for e in ledger[1:]] == [m["n"] for m in released]
    assert [e["amount"] for e in ledger[1:]] == [m["amount"] for m in released]
    assert escrow["held"]["amount"] == 30_000 - sum(m["amount"] for m in released)
    expected = {0: "funded", 1: "partially_released", 2: "released"}[len(released)]
    assert escrow["state"] == expected


@dataclass
class Conversation:
    sender: Api
    reader: Api
    conversation_id: str
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)  # client_id -> message
    in_flight: set[str] = field(default_factory=set)


async def chatter(chat: Chat, talk: Conversation, rng: random.Random) -> None:
    """Sends as fast as the server allows, backing off when it says to (as the web client
    does): the socket limits refuse a refused send whole, so it is retried, same client_id."""
    while True:
        client_id = uuid.uuid4().hex
        talk.in_flight.add(client_id)
        payload = {"conversation_id": talk.conversation_id, "body": f"hello {rng.random()}",
                   "client_id": client_id}
        ack = await chat.sio.call("message:send", payload, timeout=10)
        while not ack.get("ok") and ack.get("error", {}).get("code") == "rate_limited":
            await asyncio.sleep(0.1)
            ack = await chat.sio.call("message:send", payload, timeout=10)
        assert ack.get("ok"), ("message:send", ack)
        talk.sent[client_id] = ack["message"]
        talk.in_flight.discard(client_id)


async def walk(flows: list[Flow], rng: random.Random) -> None:
    while True:
        open_flows = [f for f in flows if f.acknowledged < len(STEPS)]
        if not open_flows:
            await asyncio.sleep(0.05)
            continue
        await rng.choice(open_flows).advance()


async def check_conversation(talk: Conversation, chat: Chat) -> None:
    history = await talk.reader.messages(talk.conversation_id)
    seqs = [m["seq"] for m in history]
    assert seqs == sorted(set(seqs)), "seq must increase, once each"
    by_client = {m["client_id"]: m for m in history}
    assert len(by_client) == len(history), "a client_id stored twice"
    for client_id, message in talk.sent.items():
        assert by_client.get(client_id) == message, f"acknowledged message lost: {message}"
    # A send that was in flight at the kill is retried with its client_id: stored once.
    for client_id in list(talk.in_flight):
        ack = await chat.call("message:send", {"conversation_id": talk.conversation_id,
                                               "body": "retried", "client_id": client_id})
        if client_id in by_client:
            assert ack["message"]["seq"] == by_client[client_id]["seq"]
        talk.sent[client_id] = ack["message"]
        talk.in_flight.discard(client_id)


def startup_figures(log: str) -> list[str]:
    return re.findall(r"(\d+) snapshot documents and (\d+) journal frames loaded in ([\d.]+) s",
                      log)


async def test_kill_9_loses_no_acknowledged_write(tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("CRASH_SEED", "17")))
    env = process_env(OPENCHANCE_DATA_DIR=str(tmp_path / "data"))
    node = Node(env, tmp_path / "serve.log")
    flows: list[Flow] = []
    talks: list[Conversation] = []
    people: list[Api] = []
    restarts: list[float] = []
    try:
        async with aiohttp.ClientSession() as session:
            for round_number in range(ROUNDS):
                started = time.monotonic()
                await node.start().healthy()
                restarts.append(time.monotonic() - started)
                anonymous = Api(session, node.url)
                # Everything acknowledged before the last kill is there.
                for person in people:
                    me = await person.call("GET", "/me")
                    assert me["id"] == person.user_id, "a session did not survive"
                for flow in flows:
                    seen = await flow.observe()
                    allowed = {flow.acknowledged, flow.acknowledged + int(flow.in_flight)}
                    assert seen in allowed, (STEPS, flow.acknowledged, flow.in_flight, seen)
                    flow.acknowledged, flow.in_flight = seen, False
                chats = []
                for talk in talks:
                    chat = await Chat(talk.sender.token or "").connect(node.url)
                    chats.append(chat)
                    await check_conversation(talk, chat)
                # New people, a new conversation and new challenges this round.
                owner = await anonymous.register(f"owner{round_number}")
                solver = await anonymous.register(f"solver{round_number}")
                people += [owner, solver]
                flows += [Flow(owner, solver) for _ in range(2)]
                chat = await Chat(owner.token or "").connect(node.url)
                opened = await chat.call("conversation:open", {"user_id": solver.user_id})
                talks.append(Conversation(owner, solver, opened["conversation"]["id"]))
                chats.append(chat)
                workers = [asyncio.create_task(walk(flows, rng))]
                workers += [asyncio.create_task(chatter(c, t, rng))
                            for c, t in zip(chats, talks, strict=True)]
                await asyncio.sleep(rng.uniform(0.5, 2.0))
                assert not any(w.done() for w in workers), [w.exception() for w in workers
                                                            if w.done()]
                node.kill()
                # Whatever was in flight stays marked so; a walk with every flow done would
                # otherwise wait for more work forever.
                for worker in workers:
                    worker.cancel()
                await asyncio.gather(*workers, return_exceptions=True)
                for c in chats:
                    await c.close()
            # After the last kill: one more start, and everything is still there.
            await node.start().healthy()
            for flow in flows:
                seen = await flow.observe()
                assert seen in {flow.acknowledged, flow.acknowledged + int(flow.in_flight)}
            for talk in talks:
                chat = await Chat(talk.sender.token or "").connect(node.url)
                await check_conversation(talk, chat)
                await chat.close()
    finally:
        node.stop()
    figures = startup_figures(node.output())
    sent = sum(len(t.sent) for t in talks)
    steps = sum(f.acknowledged for f in flows)
    print(f"\n{ROUNDS} kills; {sent} messages and {steps} challenge steps acknowledged; "
          f"start to healthy {min(restarts):.2f}-{max(restarts):.2f} s; recoveries "
          f"(snapshot docs, journal frames, seconds): {figures}")
    assert sent > ROUNDS and steps > ROUNDS, "the kills must land among real writes"
    assert len(figures) == ROUNDS + 1
    assert f"Embedded data is kept in {(tmp_path / 'data').resolve()}" in node.output()
