"""Storage benchmark on the embedded store, in one process pinned to one core: the persisted
chat path and an uncached listing page, the two storage-bound paths of the realtime and HTTP
benchmarks without their sockets.

messages  1,000 two-person conversations; messages sent round robin through the domain's
          send_message (validate, membership, idempotency lookup, seq insert, conversation
          update, MessageSent and its socket push rendered by the real application's bus).
listing   a page of 20 open challenges out of ``--challenges``, each request a query no other
          asked (what the listing cache cannot answer): the service call plus the rendering
          of the HTTP route.

Prints messages/s and listing requests/s over CPU time (``time.process_time``: what one core
does, which the neighbours on a shared machine distort less than wall time) and over wall time,
next to the figures measured before issue 18. Figures are printed, never asserted.

    .venv/bin/python benchmarks/storage_bench.py [--messages 20000] [--profile messages]
    .venv/bin/python benchmarks/storage_bench.py --code ../before   # another checkout
    .venv/bin/python benchmarks/storage_bench.py --data-dir /tmp/x  # the journaled store
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

DATA_DIR: str | None = None  # --data-dir: the durable embedded store (journal + snapshots)
# Measured with this script (--code) on the code before issue 18's storage work (main at
# a732f0c), back to back with this code on the shared 2-core machine at load 0.4-3 (sessions
# differ: compare within one).
BEFORE = {"messages": "609-1312 us CPU each", "listing": "2352-4612 us CPU each"}


async def _app() -> Any:
    from aiohttp import web

    try:
        from openchance.serve import create_app
        from openchance.settings import Settings
    except ImportError:  # a checkout from before the runtime (--code for before figures)
        from domain.settings import Settings  # type: ignore[no-redef]

        from realtime.app import create_app  # type: ignore[no-redef]

    kept = {"openchance_data_dir": DATA_DIR} if DATA_DIR else {}  # the journaled store
    app = create_app(Settings(_env_file=None, redis_url=None, mongodb_url=None, **kept))
    runner = web.AppRunner(app)
    await runner.setup()  # opens the embedded store, wires the bus's subscribers
    return app, runner


async def _measure(name: str, count: int, step: Callable[[int], Awaitable[None]]) -> float:
    for i in range(min(200, count)):  # warm-up
        await step(i)
    cpu, wall = time.process_time(), time.perf_counter()
    for i in range(count):
        await step(200 + i)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    rate = count / cpu
    print(f"{name:<10} n={count:>6}  per CPU-s={rate:>8.0f}  per wall-s={count / wall:>8.0f}"
          f"  ({cpu / count * 1e6:.0f} us CPU each)  before: {BEFORE[name] or 'see README'}",
          flush=True)
    return rate


async def messages(count: int, pairs: int = 1000) -> None:
    from domain.models.chat import Conversation, ConversationKind
    from domain.models.users import User
    from domain.services.conversations import send_message
    from realtime.keys import DEPS

    app, runner = await _app()
    deps = app[DEPS]
    await User.insert_many([User(id=f"u{i}", display_name=f"user {i}")
                            for i in range(2 * pairs)])
    await Conversation.insert_many([
        Conversation(id=f"c{k}", kind=ConversationKind.DIRECT, key=f"direct:u{2 * k}:u{2 * k + 1}",
                     participant_ids=[f"u{2 * k}", f"u{2 * k + 1}"]) for k in range(pairs)])

    async def send(i: int) -> None:
        k = i % pairs
        sender = f"u{2 * k + (i // pairs) % 2}"
        await send_message(deps, sender, {"conversation_id": f"c{k}", "body": f"hello {i}",
                                          "client_id": f"m{i}"})

    await _measure("messages", count, send)
    await runner.cleanup()


async def listing(count: int, challenges: int) -> None:
    import orjson

    from domain.models.users import User
    from domain.services.challenges import list_challenges, post_challenge
    from domain.views import ChallengeOut, render
    from realtime.keys import DEPS

    app, runner = await _app()
    await User(id="owner", display_name="owner").insert()
    for n in range(challenges):  # what the HTTP benchmark posts
        await post_challenge(app[DEPS], "owner", {
            "title": f"Benchmark challenge {n}", "description": "Make it fast. " * 20,
            "category": ("engineering", "data", "design")[n % 3],
            "tags": ["python", f"t{n % 7}"], "difficulty": "medium",
            "reward": {"amount": 1_000 + n % 5_000, "currency": "usd"}})

    async def page(i: int) -> None:
        items, cursor = await list_challenges({"sort": "newest", "limit": "20",
                                               "max_reward": str(10**8 - i),
                                               "currency": "usd"})
        orjson.dumps({"items": [render(ChallengeOut, c) for c in items], "next_cursor": cursor})

    await _measure("listing", count, page)
    await runner.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--listings", type=int, default=3_000)
    parser.add_argument("--challenges", type=int, default=200)
    parser.add_argument("--only", choices=["messages", "listing"])
    parser.add_argument("--profile", choices=["messages", "listing"],
                        help="print a cProfile profile of one part instead (setup included)")
    parser.add_argument("--cpu", type=int, default=0, help="the core to pin to")
    parser.add_argument("--code", type=Path, default=None,
                        help="run another checkout's application (before/after figures)")
    parser.add_argument("--data-dir", help="keep the embedded store in this (empty) directory: "
                        "every write journaled, as OPENCHANCE_DATA_DIR does")
    args = parser.parse_args()
    global DATA_DIR
    DATA_DIR = args.data_dir
    if args.code is not None:
        sys.path.insert(0, str(args.code.resolve()))
        os.chdir(args.code)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    import uvloop

    uvloop.install()
    parts = {"messages": lambda: messages(args.messages),
             "listing": lambda: listing(args.listings, args.challenges)}
    if args.profile:
        import cProfile
        import pstats

        with cProfile.Profile() as profiler:
            asyncio.run(parts[args.profile]())
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    for name, part in parts.items():
        if args.only in (None, name):
            asyncio.run(part())


if __name__ == "__main__":
    main()
