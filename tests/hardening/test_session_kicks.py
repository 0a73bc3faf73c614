"""A session that ends ends its sockets everywhere: logout and bans on one node disconnect the
user's sockets on another (over Redis), and a revocation nobody announced is found by the
periodic re-check."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from domain.models.users import AuthToken, Role, User
from domain.services.common import update_where
from openchance.bootstrap import build_deps
from openchance.settings import Settings
from tests.realtime.conftest import LiveClient, LiveServer, serve


async def _closed(client: LiveClient, timeout: float = 3) -> bool:
    for _ in range(int(timeout / 0.02)):
        if not client.sio.connected:
            return True
        await asyncio.sleep(0.02)
    return not client.sio.connected


async def test_logout_and_ban_on_one_node_end_sockets_on_another(
        storage: Any, deps: Any, redis_url: str) -> None:
    settings = Settings(_env_file=None, redis_url=redis_url, password_hash_profile="cheapest")
    other_deps = build_deps(settings)  # node B hears nothing of node A's bus
    async for node_a in serve(storage, deps, settings):
        async for node_b in serve(storage, other_deps, settings):
            await _across(node_a, node_b)


async def _across(node_a: LiveServer, node_b: LiveServer) -> None:
    alice, troll = await node_a.person("alice"), await node_a.person("troll")
    moderator = await node_a.person("mod")
    await update_where(User, {"_id": moderator.id}, {"$set": {"role": Role.MODERATOR}})
    phone = await node_b.client(alice)
    second_login = await node_a.client(token=(await _login(node_a, alice)))
    trolls = [await node_b.client(troll), await node_b.client(troll)]
    async with aiohttp.ClientSession() as http:
        async with http.post(node_a.url + "/api/v1/auth/logout",
                             headers={"Authorization": f"Bearer {alice.token}"}) as resp:
            assert resp.status == 200
        assert await _closed(phone)
        assert second_login.sio.connected  # another session of alice's stays
        async with http.post(node_a.url + f"/api/v1/mod/users/{troll.id}/ban",
                             headers={"Authorization": f"Bearer {moderator.token}"}) as resp:
            assert resp.status == 200
        for client in trolls:
            assert await _closed(client)


async def _login(server: LiveServer, person: Any) -> str:
    user = await User.get(person.id)
    assert user is not None and user.email
    async with aiohttp.ClientSession() as http, http.post(
            server.url + "/api/v1/auth/login",
            json={"email": user.email, "password": "correct horse battery"}) as resp:
        assert resp.status == 200
        return str((await resp.json())["token"])


async def test_the_periodic_recheck_ends_sockets_of_silently_revoked_tokens(
        server: LiveServer) -> None:
    alice, bob = await server.person("alice"), await server.person("bob")
    a, b = await server.client(alice), await server.client(bob)
    # Revoked straight in the database (as another process might), no event announced.
    await update_where(AuthToken, {"user_id": alice.id}, {"$set": {"revoked_at": "2026-01-01"}})
    assert await server.realtime.guard.sweep() == 1
    assert await _closed(a)
    assert b.sio.connected


async def test_revoking_a_device_or_every_session_ends_their_sockets_at_once(
        storage: Any, deps: Any, redis_url: str) -> None:
    """Announced (not left to the re-check, every 10 s by default: ``_closed`` waits 3 s)."""
    settings = Settings(_env_file=None, redis_url=redis_url, password_hash_profile="cheapest")
    other_deps = build_deps(settings)
    async for node_a in serve(storage, deps, settings):
        async for node_b in serve(storage, other_deps, settings):
            assert node_b.realtime.options.revalidate_every >= 10
            await _revocations_across(node_a, node_b)


async def _revocations_across(node_a: LiveServer, node_b: LiveServer) -> None:
    alice = await node_a.person("alice")
    laptop_token = await _login(node_a, alice)
    laptop, phone = await node_b.client(token=laptop_token), await node_b.client(alice)
    auth = {"Authorization": f"Bearer {alice.token}"}
    async with aiohttp.ClientSession() as http:
        async with http.get(node_a.url + "/api/v1/me/sessions", headers=auth) as resp:
            others = [s for s in (await resp.json())["items"] if not s["current"]]
        assert len(others) == 1
        async with http.delete(node_a.url + f"/api/v1/me/sessions/{others[0]['id']}",
                               headers=auth) as resp:
            assert resp.status == 200
        assert await _closed(laptop)
        assert phone.sio.connected  # the session that revoked the other one stays
        async with http.post(node_a.url + "/api/v1/auth/logout-all", headers=auth) as resp:
            assert resp.status == 200 and (await resp.json())["revoked"] == 1
        assert await _closed(phone)
