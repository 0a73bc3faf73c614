"""Challenges over HTTP: post, read, edit, cancel, list with filters, sorts and cursors."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from domain.models.users import Role
from tests.api.conftest import API, Members, apply, error_of, post_challenge
from tests.conftest import challenge_data


async def test_post_and_read(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")
    created = await post_challenge(client, ada, deadline="2099-01-01T00:00:00Z")
    assert created["state"] == "open" and created["owner_id"] == ada.id
    assert created["reward"] == {"amount": 30_000, "currency": "usd"}
    assert created["deadline"] == "2099-01-01T00:00:00Z" and "deadline_key" not in created
    resp = await client.get(f"{API}/challenges/{created['id']}")
    assert resp.status == 200 and await resp.json() == created
    await error_of(await client.get(f"{API}/challenges/nope"), 404)


async def test_post_errors(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")
    await error_of(await client.post(f"{API}/challenges", json=challenge_data()), 401)
    error = await error_of(await client.post(f"{API}/challenges", headers=ada.auth, json=(
        challenge_data(reward={"amount": 1.5, "currency": "usd"}))), 400)
    assert "reward.amount" in error["fields"]
    bad_sum = challenge_data(milestones=[{"title": "All", "amount": 1}])
    await error_of(await client.post(f"{API}/challenges", headers=ada.auth, json=bad_sum), 400)
    past = challenge_data(deadline="2001-01-01T00:00:00Z")
    await error_of(await client.post(f"{API}/challenges", headers=ada.auth, json=past), 400)


async def test_edit_rules(client: TestClient, members: Members) -> None:
    ada, bob = await members.signup("ada"), await members.signup("bob")
    challenge = await post_challenge(client, ada)
    url = f"{API}/challenges/{challenge['id']}"
    resp = await client.patch(url, headers=ada.auth, json={"title": "A sharper title"})
    assert resp.status == 200 and (await resp.json())["title"] == "A sharper title"
    await error_of(await client.patch(url, headers=bob.auth, json={"title": "Mine now"}), 403)
    await error_of(await client.patch(url, headers=ada.auth, json={"title": ""}), 400)
    await error_of(await client.patch(url, json={"title": "No token"}), 401)
    await error_of(await client.patch(f"{API}/challenges/nope", headers=ada.auth,
                                      json={"title": "Whatever"}), 404)
    await apply(client, bob, challenge["id"])
    error = await error_of(await client.patch(url, headers=ada.auth,
                                              json={"title": "Too late now"}), 409)
    assert error["code"] == "conflict"


async def test_cancel(client: TestClient, members: Members) -> None:
    ada, bob = await members.signup("ada"), await members.signup("bob")
    challenge = await post_challenge(client, ada)
    url = f"{API}/challenges/{challenge['id']}"
    await error_of(await client.delete(url, headers=bob.auth), 403)
    await error_of(await client.delete(url), 401)
    resp = await client.delete(url, headers=ada.auth)
    assert resp.status == 200 and (await resp.json())["state"] == "cancelled"
    await error_of(await client.delete(url, headers=ada.auth), 409)
    await error_of(await client.delete(f"{API}/challenges/nope", headers=ada.auth), 404)


async def test_list_filters(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")
    small = await post_challenge(client, ada, title="Tiny parser", category="Data", tags=["go"],
                                 reward={"amount": 1_000, "currency": "usd"}, milestones=None)
    big = await post_challenge(client, ada, title="Huge importer")
    cancelled = await post_challenge(client, ada, title="Gone soon")
    await client.delete(f"{API}/challenges/{cancelled['id']}", headers=ada.auth)

    async def ids(query: str) -> list[str]:
        resp = await client.get(f"{API}/challenges?{query}")
        assert resp.status == 200, await resp.text()
        return [c["id"] for c in (await resp.json())["items"]]

    assert await ids("") == [big["id"], small["id"]]
    assert await ids("category=data") == [small["id"]]
    assert await ids("tag=perf") == [big["id"]]
    assert await ids("min_reward=5000&currency=usd") == [big["id"]]
    assert await ids("max_reward=5000&currency=usd") == [small["id"]]
    assert await ids("q=IMPORTER") == [big["id"]]
    assert await ids("state=cancelled") == [cancelled["id"]]
    assert await ids("sort=reward&currency=usd") == [big["id"], small["id"]]
    for bad in ("min_reward=abc", "limit=0", "limit=x", "sort=random", "state=bogus",
                "cursor=!!", "unknown=1", "min_reward=-5&currency=usd",
                "min_reward=5000", "sort=reward"):
        await error_of(await client.get(f"{API}/challenges?{bad}"), 400)


async def test_list_sorts_and_cursor(client: TestClient, members: Members) -> None:
    ada, bob = await members.signup("ada"), await members.signup("bob")
    posted = [await post_challenge(client, ada, title=f"Challenge {i}",
                                   reward={"amount": 1_000 * (i + 1), "currency": "usd"},
                                   milestones=None) for i in range(5)]
    await apply(client, bob, posted[1]["id"])
    seen: list[str] = []
    first = f"{API}/challenges?limit=2&sort=reward&currency=usd"
    url = first
    while url:
        body = await (await client.get(url)).json()
        seen += [c["id"] for c in body["items"]]
        url = f"{first}&cursor={body['next_cursor']}" if body["next_cursor"] else ""
    assert seen == [c["id"] for c in reversed(posted)]
    popular = await (await client.get(f"{API}/challenges?sort=popular&limit=1")).json()
    assert popular["items"][0]["id"] == posted[1]["id"]
    deadline = await (await client.get(f"{API}/challenges?sort=deadline")).json()
    assert len(deadline["items"]) == 5


async def test_removed_challenge_is_hidden_but_not_from_moderators(
        client: TestClient, members: Members) -> None:
    ada, bob = await members.signup("ada"), await members.signup("bob")
    mod = await members.with_role("mod", Role.MODERATOR)
    challenge = await post_challenge(client, ada)
    resp = await client.post(f"{API}/mod/challenges/{challenge['id']}/remove", headers=mod.auth)
    assert resp.status == 200
    url = f"{API}/challenges/{challenge['id']}"
    await error_of(await client.get(url), 404)
    await error_of(await client.get(url, headers=bob.auth), 404)
    assert (await client.get(url, headers=mod.auth)).status == 200
    await error_of(await client.get(f"{API}/challenges?state=removed"), 400)
    listed = await (await client.get(f"{API}/challenges?state=removed", headers=mod.auth)).json()
    assert [c["id"] for c in listed["items"]] == [challenge["id"]]
