"""A server for the realtime benchmark, run pinned to one core by ``realtime_bench.py``.

``ours``: the real application (create_app: persistence in the embedded store, the domain's
push path, our Socket.IO layer) with benchmark users, tokens and conversations seeded at start
and the abuse limits (rates, sockets per user) lifted. ``plain``: a plain python-socketio
AsyncServer doing the same broadcast (join a room; on message:send emit message:new of the
same shape to the room and ack), with nothing persisted. Both on uvloop.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

import socketio
import uvloop
from aiohttp import web

BROADCAST_CONVERSATION = "conv-broadcast"
WATCHED_CHALLENGE = "bench-challenge"


# What ours renders for the watched challenge, so both servers send frames of the same size.
CHALLENGE_PAYLOAD = {
    "id": WATCHED_CHALLENGE, "owner_id": "u0", "title": "A popular challenge",
    "description": "Watched by everyone.", "category": "Engineering", "tags": [],
    "difficulty": "medium", "reward": {"amount": 50000, "currency": "usd"},
    "milestones": [{"title": "All", "amount": 50000}], "deadline": None, "visibility": "public",
    "community_id": None, "state": "open", "accepted_application_id": None, "solver_id": None,
    "application_count": 0, "created_at": "2026-01-01T00:00:00Z",
    "updated_at": "2026-01-01T00:00:00Z"}


def token_of(i: int) -> str:
    return f"bench-token-{i:06d}"


def pair_conversation(k: int) -> str:
    return f"conv-pair-{k:05d}"


def ours(users: int) -> web.Application:
    from domain.events import ChallengeUpdated
    from domain.models.challenges import Challenge, MilestonePlan
    from domain.models.chat import Conversation, ConversationKind
    from domain.models.common import Money
    from domain.models.users import AuthToken, User
    from openchance.serve import create_app
    from openchance.settings import Settings
    from realtime.keys import DEPS
    from realtime.sockets import SOCKETS

    app = create_app(Settings())
    # The abuse limits lifted: the load is one trusted client (100 sockets of one user in the
    # chat-latency row, a user sending 100 messages a second).
    options = app[SOCKETS].options
    options.events_per_second, options.event_burst = 1e9, 10**9
    options.user_events_per_second, options.user_event_burst = 1e9, 10**9
    options.connects_per_second, options.connect_burst = 1e9, 10**9
    options.max_sockets_per_user = 10**6

    async def seed(app: web.Application) -> None:
        await User.insert_many([User(id=f"u{i}", display_name=f"user {i}") for i in range(users)])
        await AuthToken.insert_many([
            AuthToken(user_id=f"u{i}", token_hash=hashlib.sha256(token_of(i).encode()).hexdigest())
            for i in range(users)])
        conversations = [Conversation(id=BROADCAST_CONVERSATION, kind=ConversationKind.DIRECT,
                                      key="direct:u0:u1", participant_ids=["u0", "u1"])]
        # Pairs (u2, u3), (u4, u5), ...: the two-person conversations.
        for k in range((users - 2) // 2):
            a, b = f"u{2 + 2 * k}", f"u{3 + 2 * k}"
            conversations.append(Conversation(id=pair_conversation(k),
                                              kind=ConversationKind.DIRECT,
                                              key=f"direct:{a}:{b}", participant_ids=[a, b]))
        await Conversation.insert_many(conversations)
        await Challenge(id=WATCHED_CHALLENGE, owner_id="u0", title="A popular challenge",
                        description="Watched by everyone.", category="Engineering",
                        reward=Money(amount=50_000, currency="usd"),
                        milestones=[MilestonePlan(title="All", amount=50_000)],
                        deadline_key=datetime(9999, 1, 1, tzinfo=UTC)).insert()

    async def burst(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        # What the domain does when a watched challenge changes, ``count`` times: the real
        # push path (load, render, emit to the watchers' room).
        for _ in range(int(data["count"])):
            await deps.bus.publish(ChallengeUpdated(challenge_id=WATCHED_CHALLENGE,
                                                    state="open"))
        return {"ok": True}

    deps = app[DEPS]
    app[SOCKETS].sio.on("bench:burst", burst)

    async def report(app: web.Application) -> None:
        manager = app[SOCKETS].manager
        print(f"deliveries: direct {manager.direct_writes}, queued {manager.queued_writes}, "
              f"transport writes {manager.transport_writes}", file=sys.stderr, flush=True)

    app.on_startup.append(seed)
    app.on_shutdown.append(report)
    return app


def plain() -> web.Application:
    sio = socketio.AsyncServer(async_mode="aiohttp", logger=False, engineio_logger=False)
    app = web.Application()
    sio.attach(app)
    seqs: dict[str, itertools.count[int]] = {}

    @sio.on("connect")
    async def connect(sid: str, environ: dict[str, Any], auth: Any) -> None:
        await sio.save_session(sid, {"user_id": (auth or {}).get("token")})

    @sio.on("conversation:join")
    async def join(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        await sio.enter_room(sid, data["conversation_id"])
        return {"ok": True, "missed": []}

    @sio.on("challenge:watch")
    async def watch(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        await sio.enter_room(sid, f"challenge:{data['challenge_id']}")
        return {"ok": True}

    @sio.on("bench:burst")
    async def burst(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        for _ in range(int(data["count"])):
            await sio.emit("challenge:updated", {"challenge": CHALLENGE_PAYLOAD},
                           to=f"challenge:{WATCHED_CHALLENGE}")
        return {"ok": True}

    @sio.on("message:send")
    async def send(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        room = data["conversation_id"]
        message = {"id": uuid.uuid4().hex[:24], "conversation_id": room,
                   "seq": next(seqs.setdefault(room, itertools.count(1))), "sender_id": sid,
                   "body": data["body"], "client_id": data["client_id"],
                   "created_at": datetime.now(UTC).isoformat()}
        await sio.emit("message:new", {"message": message}, to=room)
        return {"ok": True, "message": message}

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_get("/healthz", healthz)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["ours", "plain"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--users", type=int, default=2100)
    args = parser.parse_args()
    uvloop.install()
    app = ours(args.users) if args.kind == "ours" else plain()
    web.run_app(app, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
