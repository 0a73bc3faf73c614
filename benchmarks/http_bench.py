"""HTTP API benchmark on the embedded backend: list and create challenges.

    .venv/bin/python benchmarks/http_bench.py [--seconds 10] [--rate 1000] [--seed 200]

The server (the real app, in-memory store, uvloop, one process = one core) runs in a child
process pinned to one CPU; this process is the load generator, pinned to another. Closed-loop
phases (32 connections, back to back) find the most requests/s one core serves; open-loop
phases start requests on a fixed schedule whatever the answers do and count latency from the
scheduled start, so a stalled server shows up as latency instead of hiding behind a slower
send rate. Requests slower than 5 s count as errors.
Rate limits are raised for the run (one client IP sends everything). Figures are printed,
never asserted; on a shared machine they move with what the neighbours are doing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import aiohttp

API = "/api/v1"
PASSWORD = "benchmark password"
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=5)


def _pin(cpu: int) -> None:
    if hasattr(os, "sched_setaffinity") and cpu < (os.cpu_count() or 1):
        os.sched_setaffinity(0, {cpu})


def serve(port: int) -> None:
    """The child process: the whole app on the embedded defaults."""
    _pin(0)
    import uvloop
    from aiohttp import web

    from openchance.serve import create_app
    from openchance.settings import Settings
    from realtime.api.middlewares import API_LIMITS, RateLimits

    uvloop.install()
    app = create_app(Settings(_env_file=None, redis_url=None, mongodb_url=None))
    app[API_LIMITS] = RateLimits(per_ip=10**9, per_user=10**9, auth_per_ip=10**9)
    web.run_app(app, host="127.0.0.1", port=port, access_log=None, print=None)


@dataclass
class Phase:
    name: str
    latencies_ms: list[float]
    errors: int
    seconds: float

    def report(self) -> str:
        ordered = sorted(self.latencies_ms)

        def pct(p: float) -> float:
            return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else 0

        rate = len(ordered) / self.seconds if self.seconds else 0.0
        worst = ordered[-1] if ordered else 0.0
        return (f"{self.name:<34} n={len(ordered):>6}  req/s={rate:>7.0f}  "
                f"p50={pct(50):6.2f} ms  p99={pct(99):6.2f} ms  max={worst:7.2f} ms"
                f"  errors={self.errors}")


async def _one(session: aiohttp.ClientSession, method: str, url: object, start: float,
               body_of: object, headers: dict[str, str], phase: Phase, expect: int) -> None:
    body = body_of() if callable(body_of) else body_of
    url = url() if callable(url) else url  # a callable gives each request its own query
    try:
        async with session.request(method, url, json=body, headers=headers) as resp:
            await resp.read()
            ok = resp.status == expect
    except (aiohttp.ClientError, TimeoutError):
        ok = False  # includes answers slower than REQUEST_TIMEOUT
    if ok:
        phase.latencies_ms.append((time.perf_counter() - start) * 1000)
    else:
        phase.errors += 1


async def open_loop(session: aiohttp.ClientSession, name: str, method: str, url: object,
                    rate: float, seconds: float, expect: int, headers: dict[str, str],
                    body_of: object = None) -> Phase:
    phase = Phase(name, [], 0, seconds)
    tasks = []
    began = time.perf_counter()
    total = int(rate * seconds)
    for i in range(total):
        due = began + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_one(session, method, url, due, body_of, headers,
                                              phase, expect)))
    await asyncio.gather(*tasks)
    phase.seconds = time.perf_counter() - began
    return phase


async def closed_loop(session: aiohttp.ClientSession, name: str, method: str, url: object,
                      seconds: float, expect: int, headers: dict[str, str],
                      body_of: object = None, workers: int = 32) -> Phase:
    phase = Phase(name, [], 0, seconds)
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < stop:
            await _one(session, method, url, time.perf_counter(), body_of, headers, phase,
                       expect)

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    phase.seconds = time.perf_counter() - began
    return phase


def challenge_body(counter: list[int]) -> dict[str, object]:
    counter[0] += 1
    n = counter[0]
    return {"title": f"Benchmark challenge {n}", "description": "Make it fast. " * 20,
            "category": ("engineering", "data", "design")[n % 3], "tags": ["python", f"t{n % 7}"],
            "difficulty": "medium", "reward": {"amount": 1_000 + n % 5_000, "currency": "usd"}}


async def run(base: str, args: argparse.Namespace) -> None:
    connector = aiohttp.TCPConnector(limit=256)
    async with aiohttp.ClientSession(base, connector=connector,
                                     timeout=REQUEST_TIMEOUT) as session:
        async with session.post(f"{API}/auth/register", json={
                "email": "bench@example.org", "password": PASSWORD,
                "display_name": "Bench"}) as resp:
            token = (await resp.json())["token"]
        auth = {"Authorization": f"Bearer {token}"}
        counter = [0]
        for _ in range(args.seed):
            async with session.post(f"{API}/challenges", json=challenge_body(counter),
                                    headers=auth) as resp:
                assert resp.status == 201, await resp.text()
        print(f"seeded {args.seed} open challenges; warming up...", flush=True)
        await closed_loop(session, "warm-up", "GET", f"{API}/challenges", 2, 200, {})

        list_url = f"{API}/challenges?sort=newest&limit=20"
        filtered_url = f"{API}/challenges?category=data&min_reward=2000&sort=reward"
        # Every request of the "uncached" phases asks a query no other request asked, so the
        # listing cache (emptied by any challenge change anyway) never answers them.
        distinct = itertools.count(1)

        def uncached_url() -> str:
            return f"{list_url}&max_reward={10**8 - next(distinct)}"

        # Lists first, on the seeded store: creating challenges grows what a list scans.
        uncached_max = await closed_loop(session, "list uncached, max throughput", "GET",
                                         uncached_url, args.seconds, 200, {})
        uncached_easy = max(10.0, 0.5 * len(uncached_max.latencies_ms) / uncached_max.seconds)
        list_max = await closed_loop(session, "list, max throughput (32 conns)", "GET",
                                     list_url, args.seconds, 200, {})
        # Half of what one core managed: the latency a user sees when the node is not saturated.
        list_easy = max(10.0, 0.5 * len(list_max.latencies_ms) / list_max.seconds)
        phases = [
            uncached_max,
            await open_loop(session, f"list uncached @ {uncached_easy:.0f}/s (half capacity)",
                            "GET", uncached_url, uncached_easy, args.seconds, 200, {}),
            list_max,
            await open_loop(session, f"list @ {list_easy:.0f}/s (half capacity)", "GET",
                            list_url, list_easy, args.seconds, 200, {}),
            await open_loop(session, f"list filtered @ {list_easy:.0f}/s", "GET", filtered_url,
                            list_easy, args.seconds, 200, {}),
            await open_loop(session, f"list @ {args.rate:.0f}/s (target rate)", "GET",
                            list_url, args.rate, args.seconds, 200, {}),
        ]
        create_max = await closed_loop(session, "create, max throughput (32 conns)", "POST",
                                       f"{API}/challenges", args.seconds, 201, auth,
                                       lambda: challenge_body(counter))
        create_easy = max(10.0, 0.5 * len(create_max.latencies_ms) / create_max.seconds)
        phases += [
            create_max,
            await open_loop(session, f"create @ {create_easy:.0f}/s (half capacity)", "POST",
                            f"{API}/challenges", create_easy, args.seconds, 201, auth,
                            lambda: challenge_body(counter)),
        ]
        print(f"\nserver: one process (one core), embedded in-memory store, {counter[0]} "
              f"challenges at the end; load generator: this process, another core")
        for phase in phases:
            print(phase.report())


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=1000.0, help="list requests per second")
    parser.add_argument("--seed", type=int, default=200, help="challenges posted first")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    port = _free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        _pin(1)
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        asyncio.run(run(f"http://127.0.0.1:{port}", args))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
