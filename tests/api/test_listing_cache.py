"""The listing cache never shows a page older than the last change made through the domain."""

from __future__ import annotations

import asyncio

from realtime.api.listing_cache import LISTING_CACHE, ListingCache
from tests.api.conftest import API
from tests.conftest import challenge_data


async def titles(client, query: str = "") -> list[str]:
    resp = await client.get(f"{API}/challenges{query}")
    assert resp.status == 200
    return [item["title"] for item in (await resp.json())["items"]]


async def test_changes_show_at_once(client, members) -> None:
    alice, bob = await members.signup("alice"), await members.signup("bob")
    assert await titles(client) == []
    resp = await client.post(f"{API}/challenges", json=challenge_data(title="First one"),
                             headers=alice.auth)
    first = (await resp.json())["id"]
    assert await titles(client) == ["First one"]
    assert await titles(client) == ["First one"]  # served from the cache
    assert len(client.app[LISTING_CACHE]._entries) == 1
    await client.patch(f"{API}/challenges/{first}", json={"title": "Renamed"},
                       headers=alice.auth)
    assert await titles(client) == ["Renamed"]
    await client.post(f"{API}/challenges", json=challenge_data(title="Second one"),
                      headers=alice.auth)
    assert await titles(client, "?sort=popular") == ["Second one", "Renamed"]
    await client.post(f"{API}/challenges/{first}/applications", json={"proposal": "me"},
                      headers=bob.auth)
    assert await titles(client, "?sort=popular") == ["Renamed", "Second one"]
    await client.delete(f"{API}/challenges/{first}", headers=alice.auth)
    assert await titles(client) == ["Second one"]


async def test_entries_expire_and_stay_bounded() -> None:
    cache = ListingCache(ttl=0.05, max_entries=2)
    cache.put("a", b"1")
    assert cache.get("a") == b"1"
    await asyncio.sleep(0.06)
    assert cache.get("a") is None
    cache.put("b", b"2")
    cache.put("c", b"3")
    cache.put("d", b"4")
    assert len(cache._entries) <= 2 and cache.get("d") == b"4"
