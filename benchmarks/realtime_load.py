"""Load scenarios for the realtime benchmark; prints one JSON line of figures.

broadcast  N clients (N users) watch one challenge; a trigger asks the server for K
           challenge:updated pushes (in bursts of B, a couple of triggers in flight);
           deliveries/s = N*K / time from the first trigger to the last delivery.
latency    100 sockets in one room at a fixed rate (10k deliveries/s for 100 msg/s); latency
           = receipt time - send time (one clock), through message:send (persisted) or
           through the domain push path (challenge:updated to 100 watchers).
idle       N authenticated sockets that do nothing; memory = growth of the server's resident
           set per socket once they are all connected (and a watch each, as a web tab does).
pairs      P two-person conversations, both members connected and joined; every sender sends
           in a closed loop; messages/s = messages acked (persisted) and delivered to the
           other member per second.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson
import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realtime_client import RawClient, open_many
from realtime_server import (
    BROADCAST_CONVERSATION,
    WATCHED_CHALLENGE,
    pair_conversation,
    token_of,
)

HOST = "127.0.0.1"
SERVER_PID = 0  # when given, figures include the server's CPU time over the measured phase


def server_cpu() -> float:
    """CPU seconds (user + system) the server process has used so far."""
    if not SERVER_PID:
        return 0.0
    fields = Path(f"/proc/{SERVER_PID}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def wait_until(check: Callable[[], bool], limit_s: float) -> None:
    # Polling a counter: setting an Event on each of 100k+ frames would cost the load more.
    deadline = time.perf_counter() + limit_s
    while not check() and time.perf_counter() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.001)


async def _join(clients: list[RawClient], conversation_id: str) -> None:
    acks = await asyncio.gather(*(c.call("conversation:join", {"conversation_id": conversation_id})
                                  for c in clients))
    assert all(a["ok"] for a in acks), acks[:3]


async def broadcast(port: int, clients: int, bursts: int, per_burst: int, window: int = 2
                    ) -> dict[str, float]:
    receivers = await open_many(HOST, port, [token_of(2 + i) for i in range(clients)])
    acks = await asyncio.gather(*(r.call("challenge:watch", {"challenge_id": WATCHED_CHALLENGE})
                                  for r in receivers))
    assert all(a["ok"] for a in acks), acks[:3]
    trigger = await RawClient.open(HOST, port, token_of(0))
    expected = clients * bursts * per_burst
    cpu_before = server_cpu()
    started = time.perf_counter()
    in_flight: set[asyncio.Future[object]] = set()
    for _ in range(bursts):
        if len(in_flight) >= window:
            _, in_flight = await asyncio.wait(in_flight, return_when=asyncio.FIRST_COMPLETED)
        in_flight.add(trigger.call("bench:burst", {"count": per_burst}))
    await asyncio.gather(*in_flight)
    await wait_until(lambda: sum(r.events for r in receivers) >= expected, 120)
    elapsed = time.perf_counter() - started
    cpu = server_cpu() - cpu_before
    delivered = sum(r.events for r in receivers)
    for c in (*receivers, trigger):
        c.close()
    return {"clients": clients, "events": bursts * per_burst, "per_burst": per_burst,
            "delivered": delivered, "seconds": round(elapsed, 3),
            "deliveries_per_s": round(delivered / elapsed), "server_cpu_s": round(cpu, 3),
            "deliveries_per_server_cpu_s": round(delivered / cpu) if cpu else None}


async def latency(port: int, members: int = 100, rate: float = 100.0, seconds: float = 5.0,
                  path: str = "message") -> dict[str, float]:
    """``message``: message:send, persisted, body carries the send time. ``push``: a trigger
    per tick makes the server push challenge:updated (the domain push path, no insert); the
    n-th push a watcher gets answers the n-th trigger (one socket's packets keep their order)."""
    samples: list[float] = []
    sent_at: list[float] = []
    seen: dict[int, int] = {}

    def on_event(client: RawClient, payload: bytes) -> None:
        now = time.perf_counter()
        if path == "push":
            n = seen.get(id(client), 0)
            seen[id(client)] = n + 1
            samples.append(now - sent_at[n])
            return
        event, data = orjson.loads(payload[2:])
        if event == "message:new":
            samples.append(now - float(data["message"]["body"].split()[0]))

    tokens = [token_of(1)] * members if path == "message" else [
        token_of(2 + i) for i in range(members)]
    receivers = await open_many(HOST, port, tokens, on_event)
    if path == "message":
        sender = await RawClient.open(HOST, port, token_of(0))
        await _join([*receivers, sender], BROADCAST_CONVERSATION)
    else:
        sender = await RawClient.open(HOST, port, token_of(0))
        await asyncio.gather(*(r.call("challenge:watch", {"challenge_id": WATCHED_CHALLENGE})
                               for r in receivers))
    total = int(rate * seconds)
    started = time.perf_counter()
    pending = []
    for i in range(total):
        await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
        sent_at.append(time.perf_counter())
        if path == "push":
            pending.append(sender.call("bench:burst", {"count": 1}))
        else:
            pending.append(sender.call("message:send", {
                "conversation_id": BROADCAST_CONVERSATION,
                "body": f"{sent_at[-1]:.6f} latency probe", "client_id": f"l-{started}-{i}"}))
    await asyncio.gather(*pending)
    await asyncio.sleep(0.5)
    for c in (*receivers, sender):
        c.close()
    ms = sorted(s * 1000 for s in samples)
    return {"members": members, "path": path, "messages_per_s": rate,
            "deliveries_per_s": round(len(ms) / seconds), "samples": len(ms),
            "p50_ms": round(statistics.median(ms), 2),
            "p99_ms": round(ms[int(len(ms) * 0.99) - 1], 2), "max_ms": round(ms[-1], 2)}


async def pairs(port: int, conversations: int, seconds: float = 5.0) -> dict[str, float]:
    delivered = 0

    def on_event(client: RawClient, payload: bytes) -> None:
        nonlocal delivered
        if client.token_index % 2 == 1 and payload.startswith(b'42["message:new"'):
            delivered += 1  # the receiving member (odd user of each pair)

    tokens = [token_of(2 + i) for i in range(2 * conversations)]
    sockets = await open_many(HOST, port, tokens, on_event)
    for i, s in enumerate(sockets):
        s.token_index = i  # type: ignore[attr-defined]
    for k in range(conversations):
        await _join(sockets[2 * k:2 * k + 2], pair_conversation(k))
    accepted = lost = 0
    stop = time.perf_counter() + seconds

    async def sender(k: int) -> None:
        nonlocal accepted
        i = 0
        while time.perf_counter() < stop:
            try:
                ack = await sockets[2 * k].call("message:send", {
                    "conversation_id": pair_conversation(k), "body": f"hello {i}",
                    "client_id": f"p{k}-{i}-{stop}"})
            except ConnectionError:
                nonlocal lost
                lost += 1  # reported: a server too busy to answer pings drops sockets
                return
            accepted += bool(ack["ok"])
            i += 1

    cpu_before = server_cpu()
    started = time.perf_counter()
    await asyncio.gather(*(sender(k) for k in range(conversations)))
    elapsed = time.perf_counter() - started
    cpu = server_cpu() - cpu_before
    await asyncio.sleep(0.5)
    for s in sockets:
        s.close()
    return {"conversations": conversations, "seconds": round(elapsed, 2), "accepted": accepted,
            "delivered": delivered, "messages_per_s": round(min(accepted, delivered) / elapsed),
            "server_cpu_s": round(cpu, 2), "lost_connections": lost}


def server_rss() -> int:
    """The server's resident set in bytes."""
    for line in Path(f"/proc/{SERVER_PID}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def raise_file_limit() -> None:
    """Thousands of sockets need thousands of descriptors (root may raise the hard limit)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    for wanted in (200_000, hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), max(hard, wanted)))
            return
        except (ValueError, OSError):
            continue


async def idle(port: int, clients: int) -> dict[str, float]:
    # A few sockets first, so one-off costs (first handshake, caches) are not counted.
    warm = await open_many(HOST, port, [token_of(2 + i) for i in range(2)])
    await asyncio.sleep(1.0)
    before = server_rss()
    sockets = await open_many(HOST, port, [token_of(2 + i) for i in range(clients)],
                              concurrency=128)
    await asyncio.gather(*(s.call("challenge:watch", {"challenge_id": WATCHED_CHALLENGE})
                           for s in sockets))
    await asyncio.sleep(2.0)  # let the handshakes' garbage go
    after = server_rss()
    for s in (*sockets, *warm):
        s.close()
    return {"clients": clients, "rss_before_mb": round(before / 2**20, 1),
            "rss_after_mb": round(after / 2**20, 1),
            "kb_per_socket": round((after - before) / clients / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", choices=["broadcast", "latency", "pairs", "idle"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--per-burst", type=int, default=1)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--server-pid", type=int, default=0)
    parser.add_argument("--path", choices=["message", "push"], default="message")
    args = parser.parse_args()
    global SERVER_PID
    SERVER_PID = args.server_pid
    uvloop.install()
    raise_file_limit()
    if args.scenario == "idle":
        result = asyncio.run(idle(args.port, args.clients))
    elif args.scenario == "broadcast":
        result = asyncio.run(broadcast(args.port, args.clients, args.messages, args.per_burst))
    elif args.scenario == "latency":
        result = asyncio.run(latency(args.port, args.clients, args.rate, args.seconds,
                                     args.path))
    else:
        result = asyncio.run(pairs(args.port, args.clients, args.seconds))
    print(orjson.dumps({"scenario": args.scenario, **result}).decode(), flush=True)


if __name__ == "__main__":
    main()
