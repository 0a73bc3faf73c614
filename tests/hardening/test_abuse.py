"""The attacks of issue 16 against a real ``openchance serve --demo`` (production password
hashing, argon2id at 64 MiB), while a probe in its own process times /healthz and a member's
message round trip. Each attack must leave the probe's p99 under 100 ms, memory bounded, and
the server answering normally afterwards.

The figures of every phase are printed (``pytest -s`` shows them) and asserted.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from domain.demo import DEMO_PASSWORD
from tests.hardening.rawsocket import RawSocket
from tests.hardening.serving import Probe, ServeProcess, probe, serve_process

pytestmark = pytest.mark.slow
API = "/api/v1"
P99_BUDGET_MS = 100.0
# The budget can only be shown on a machine that meets it with room to spare when idle: if the
# probe's own idle p99 is above half of it (a machine shared by many busy jobs), the phases
# report their figures and are skipped, saying so, rather than blaming the server.
IDLE_P99_LIMIT_MS = P99_BUDGET_MS / 2


@dataclass
class World:
    server: ServeProcess
    probe: Probe
    tokens: dict[str, str]
    ids: dict[str, str]
    baseline_rss: float
    idle: dict[str, dict[str, float]]


def _login_sync(url: str, email: str) -> dict[str, Any]:
    async def go() -> dict[str, Any]:
        async with aiohttp.ClientSession() as http, http.post(
                f"{url}{API}/auth/login",
                json={"email": email, "password": DEMO_PASSWORD}) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()
    return asyncio.run(go())


def _get_sync(url: str, path: str, token: str) -> Any:
    async def go() -> Any:
        async with aiohttp.ClientSession() as http, http.get(
                f"{url}{API}{path}", headers={"Authorization": f"Bearer {token}"}) as resp:
            assert resp.status == 200, await resp.text()
            return await resp.json()
    return asyncio.run(go())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with serve_process(tmp_path_factory.mktemp("abuse")) as server:
        tokens, ids = {}, {}
        for name in ("alice", "bob", "mod"):
            body = _login_sync(server.url, f"{name}@demo.openchance")
            tokens[name], ids[name] = body["token"], body["user"]["id"]
        chats = _get_sync(server.url, "/conversations", tokens["alice"])["items"]
        chat = next(c for c in chats if ids["bob"] in c["participant_ids"])
        with probe(server.url, tokens["alice"], tokens["bob"], chat["id"]) as running:
            time.sleep(1.0)  # warm up: first requests, caches
            start = time.time()
            time.sleep(2.0)
            idle = running.figures(start, time.time())
            print(f"\n[idle] probe {idle}")
            yield World(server, running, tokens, ids, server.rss_mib(), idle)


def _check_phase(world: World, name: str, start: float, end: float) -> None:
    end = max(end, start + 1.0)  # a quick attack is judged over at least a second
    time.sleep(max(0.0, end - time.time()) + 0.3)  # samples right at the end are in flight
    figures = world.probe.figures(start, end)
    rss = world.server.rss_mib()
    print(f"\n[{name}] {end - start:.2f} s; probe {figures}; rss {rss:.0f} MiB "
          f"(baseline {world.baseline_rss:.0f})")
    for kind, got in figures.items():
        assert got["n"] >= 5, f"{name}: too few {kind} samples: {got}"
        assert got["errors"] == 0, f"{name}: {kind} errors: {got}"
    # Bounded: well under the five-fold growth the issue saw (argon2 buffers come and go).
    assert rss < max(2.0 * world.baseline_rss, world.baseline_rss + 150), (name, rss)
    slow_idle = {k: v["p99"] for k, v in world.idle.items() if v["p99"] > IDLE_P99_LIMIT_MS}
    if slow_idle:
        pytest.skip(f"{name}: this machine is too busy to show a {P99_BUDGET_MS:.0f} ms p99 "
                    f"(idle p99 {slow_idle} ms); figures under attack: {figures}")
    # Twice the budget fails outright (the stalls were seconds long); between the
    # budget and twice it, the phase is reported as over budget and skipped, not passed.
    for kind, got in figures.items():
        assert got["p99"] < 2 * P99_BUDGET_MS, f"{name}: {kind} p99 {got['p99']} ms: {figures}"
    over = {k: v["p99"] for k, v in figures.items() if v["p99"] >= P99_BUDGET_MS}
    if over:
        pytest.skip(f"{name}: p99 over the {P99_BUDGET_MS:.0f} ms budget on this machine "
                    f"({over} ms): {figures}")


async def _register(http: aiohttp.ClientSession, url: str, name: str) -> tuple[str, str]:
    async with http.post(f"{url}{API}/auth/register", json={
            "email": f"{name}-{uuid.uuid4().hex[:6]}@example.org",
            "password": "correct horse battery", "display_name": name}) as resp:
        assert resp.status == 201, await resp.text()
        body = await resp.json()
        return body["token"], body["user"]["id"]


async def test_login_flood_from_three_addresses_keeps_the_server_responsive(
        world: World) -> None:
    url = world.server.url
    statuses: list[int] = []

    async def attack_from(address: str, victim: str) -> None:
        connector = aiohttp.TCPConnector(local_addr=(address, 0), limit=0)
        async with aiohttp.ClientSession(connector=connector) as http:
            async def one(i: int) -> None:
                email = victim if i % 4 == 0 else f"nobody-{uuid.uuid4().hex[:8]}@example.org"
                async with http.post(f"{url}{API}/auth/login",
                                     json={"email": email, "password": f"guess-{i}"}) as resp:
                    statuses.append(resp.status)
            await asyncio.gather(*(one(i) for i in range(20)))  # the per-IP limit: 20/minute

    start = time.time()
    # 60 wrong passwords from 3 addresses within the per-IP limit, twice more than the pool
    # takes at once; a quarter of them at one real account.
    await asyncio.gather(*(attack_from(f"127.0.0.{n}", "alice@demo.openchance")
                           for n in (2, 3, 4)))
    end = time.time()
    assert len(statuses) == 60 and all(s in (401, 429, 503) for s in statuses), statuses
    assert statuses.count(401) >= 16  # the pool really hashed
    print(f"\nlogin flood answers: 401 x{statuses.count(401)}, 429 x{statuses.count(429)}, "
          f"503 x{statuses.count(503)}")
    _check_phase(world, "login flood", start, end)
    # Recovery: another account signs in at once; the attacked one is locked for a while.
    async with aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(local_addr=("127.0.0.5", 0))) as http:
        async with http.post(f"{url}{API}/auth/login", json={
                "email": "bob@demo.openchance", "password": DEMO_PASSWORD}) as resp:
            assert resp.status == 200
        async with http.post(f"{url}{API}/auth/login", json={
                "email": "alice@demo.openchance", "password": DEMO_PASSWORD}) as resp:
            assert resp.status == 429 and int(resp.headers["Retry-After"]) >= 1


async def test_hundreds_of_sockets_asking_presence_of_made_up_ids(world: World) -> None:
    url = world.server.url
    made_up = [uuid.uuid4().hex[:24] for _ in range(100)]
    outcomes: dict[str, int] = {}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        token, _ = await _register(http, url, "flooder")
        start = time.time()
        for _ in range(10):  # 10 waves of 30 sockets: 300 sockets in all
            opened = await asyncio.gather(*(RawSocket.open(http, url, token)
                                            for _ in range(30)))
            socks = [s for s, _ in opened if s is not None]
            assert len(socks) <= 12  # the per-user cap
            for _, refusal in opened:
                key = refusal or "connected"
                outcomes[key] = outcomes.get(key, 0) + 1
            acks = await asyncio.gather(*(s.call("presence:query", {"user_ids": made_up})
                                          for s in socks))
            assert all(a == {"ok": True, "online": {}} for a in acks), acks[:2]
            if socks:
                too_many = await socks[0].call("presence:query", {"user_ids": made_up * 10})
                assert too_many["error"]["code"] == "validation_error", too_many
            await asyncio.gather(*(s.close() for s in socks))
        end = time.time()
    print(f"\nsocket flood outcomes: {outcomes}")
    assert sum(outcomes.values()) == 300 and outcomes["connected"] >= 12
    assert set(outcomes) <= {"connected", "too_many_connections", "rate_limited"}
    _check_phase(world, "socket flood", start, end)


async def test_many_sockets_share_one_event_budget(world: World) -> None:
    url = world.server.url
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        token, user_id = await _register(http, url, "spammer")
        opened = await asyncio.gather(*(RawSocket.open(http, url, token) for _ in range(12)))
        socks = [s for s, _ in opened if s is not None]
        assert len(socks) == 12
        start = time.time()

        async def spam(sock: RawSocket) -> list[bool]:
            return [(await sock.call("presence:query", {"user_ids": [user_id]}))["ok"]
                    for _ in range(200)]

        results = [ok for got in await asyncio.gather(*(spam(s) for s in socks)) for ok in got]
        end = time.time()
        await asyncio.gather(*(s.close() for s in socks))
    accepted = sum(results)
    print(f"\nevent flood: {len(results)} events in {end - start:.2f} s, {accepted} accepted")
    # One budget for the user: its burst plus its rate over the flood (with some slack).
    assert len(results) == 2400 and accepted <= 120 + 40 * (end - start) + 20
    _check_phase(world, "event flood", start, end)


async def test_unparsable_frames_are_counted_logged_once_and_close_the_socket(
        world: World) -> None:
    url = world.server.url
    async with aiohttp.ClientSession() as http:
        token, _ = await _register(http, url, "garbler")
        sock, _ = await RawSocket.open(http, url, token)
        assert sock is not None
        start = time.time()
        for _ in range(10):
            await sock.send_raw('42["message:send", {"conversation_id": ')
        assert await sock.wait_closed(5)
        end = time.time()
        # Another socket of the same user still works: the user is not banned for it.
        again, _ = await RawSocket.open(http, url, token)
        assert again is not None
        assert (await again.call("presence:query", {"user_ids": ["x"]}))["ok"]
        await again.close()
    log = world.server.log()
    assert log.count("further ones are counted, not logged") == 1
    assert "after 6 unparsable frames" in log
    assert "Traceback" not in log
    _check_phase(world, "bad frames", start, end)


async def test_logout_and_ban_disconnect_the_users_sockets(world: World) -> None:
    url = world.server.url
    async with aiohttp.ClientSession() as http:
        leaver_token, _ = await _register(http, url, "leaver")
        banned_token, banned_id = await _register(http, url, "troll")
        leaver, _ = await RawSocket.open(http, url, leaver_token)
        trolls = [(await RawSocket.open(http, url, banned_token))[0] for _ in range(2)]
        assert leaver is not None and all(trolls)
        start = time.time()
        async with http.post(f"{url}{API}/auth/logout",
                             headers={"Authorization": f"Bearer {leaver_token}"}) as resp:
            assert resp.status == 200
        assert await leaver.wait_closed(5)
        async with http.post(f"{url}{API}/mod/users/{banned_id}/ban",
                             headers={"Authorization": f"Bearer {world.tokens['mod']}"},
                             json={"reason": "abuse"}) as resp:
            assert resp.status == 200, await resp.text()
        for troll in trolls:
            assert troll is not None and await troll.wait_closed(5)
        end = time.time()
        refused = await RawSocket.open(http, url, banned_token)
        assert refused[0] is None and refused[1] == "forbidden"
    _check_phase(world, "logout and ban", start, end)


async def test_the_same_report_in_a_burst_is_stored_once(world: World) -> None:
    url, auth = world.server.url, {"Authorization": f"Bearer {world.tokens['bob']}"}
    body = {"target_type": "user", "target_id": world.ids["alice"], "reason": "spam"}
    async with aiohttp.ClientSession() as http:
        async def one() -> str:
            async with http.post(f"{url}{API}/reports", json=body, headers=auth) as resp:
                assert resp.status == 201, await resp.text()
                return str((await resp.json())["id"])
        ids = await asyncio.gather(*(one() for _ in range(30)))
        async with http.get(f"{url}{API}/mod/reports",
                            headers={"Authorization": f"Bearer {world.tokens['mod']}"}) as resp:
            reports = (await resp.json())["items"]
    assert len(set(ids)) == 1
    assert [r["id"] for r in reports if r["target_id"] == world.ids["alice"]] == [ids[0]]


def test_the_server_recovered(world: World, tmp_path: Path) -> None:
    start = time.time()
    time.sleep(1.0)
    _check_phase(world, "after the attacks", start, time.time())
