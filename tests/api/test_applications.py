"""Applications over HTTP: submit, list, accept, reject, withdraw."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.api.conftest import API, Members, apply, error_of, post_challenge


async def test_apply_rules(client: TestClient, members: Members) -> None:
    ada, bob = await members.signup("ada"), await members.signup("bob")
    challenge = await post_challenge(client, ada)
    url = f"{API}/challenges/{challenge['id']}/applications"
    application = await apply(client, bob, challenge["id"])
    assert application["state"] == "pending" and application["solver_id"] == bob.id
    await error_of(await client.post(url, headers=ada.auth, json={"proposal": "me"}), 403)
    assert (await error_of(await client.post(url, headers=bob.auth, json={"proposal": "again"}),
                           409))["code"] == "conflict"
    await error_of(await client.post(url, headers=bob.auth, json={"proposal": ""}), 400)
    await error_of(await client.post(url, headers=bob.auth, json={"pitch": "x"}), 400)
    await error_of(await client.post(url, json={"proposal": "anon"}), 401)
    await error_of(await client.post(f"{API}/challenges/nope/applications", headers=bob.auth,
                                     json={"proposal": "x"}), 404)


async def test_cannot_apply_to_cancelled(client: TestClient, members: Members) -> None:
    ada, bob = await members.signup("ada"), await members.signup("bob")
    challenge = await post_challenge(client, ada)
    await client.delete(f"{API}/challenges/{challenge['id']}", headers=ada.auth)
    await error_of(await client.post(f"{API}/challenges/{challenge['id']}/applications",
                                     headers=bob.auth, json={"proposal": "late"}), 409)


async def test_list_owner_sees_all_applicant_own(client: TestClient, members: Members) -> None:
    ada, bob, cy = [await members.signup(n) for n in ("ada", "bob", "cy")]
    challenge = await post_challenge(client, ada)
    mine = await apply(client, bob, challenge["id"])
    await apply(client, cy, challenge["id"])
    url = f"{API}/challenges/{challenge['id']}/applications"
    owner_view = await (await client.get(url, headers=ada.auth)).json()
    assert len(owner_view["items"]) == 2
    bob_view = await (await client.get(url, headers=bob.auth)).json()
    assert [a["id"] for a in bob_view["items"]] == [mine["id"]]
    await error_of(await client.get(url), 401)
    await error_of(await client.get(f"{API}/challenges/nope/applications", headers=ada.auth), 404)


async def test_accept_reject_withdraw(client: TestClient, members: Members) -> None:
    ada, bob, cy, dan = [await members.signup(n) for n in ("ada", "bob", "cy", "dan")]
    challenge = await post_challenge(client, ada)
    a_bob = await apply(client, bob, challenge["id"])
    a_cy = await apply(client, cy, challenge["id"])
    a_dan = await apply(client, dan, challenge["id"])

    await error_of(await client.post(f"{API}/applications/{a_dan['id']}/withdraw",
                                     headers=bob.auth), 403)
    resp = await client.post(f"{API}/applications/{a_dan['id']}/withdraw", headers=dan.auth)
    assert resp.status == 200 and (await resp.json())["state"] == "withdrawn"
    await error_of(await client.post(f"{API}/applications/{a_dan['id']}/withdraw",
                                     headers=dan.auth), 409)

    await error_of(await client.post(f"{API}/applications/{a_cy['id']}/reject",
                                     headers=bob.auth), 403)
    await error_of(await client.post(f"{API}/applications/{a_bob['id']}/accept",
                                     headers=bob.auth), 403)
    await error_of(await client.post(f"{API}/applications/{a_bob['id']}/accept"), 401)
    await error_of(await client.post(f"{API}/applications/nope/accept", headers=ada.auth), 404)

    resp = await client.post(f"{API}/applications/{a_bob['id']}/accept", headers=ada.auth)
    assert resp.status == 200 and (await resp.json())["state"] == "accepted"
    error = await error_of(await client.post(f"{API}/applications/{a_bob['id']}/accept",
                                             headers=ada.auth), 409)
    assert error["code"] in {"conflict", "invalid_transition"}
    listed = await (await client.get(f"{API}/challenges/{challenge['id']}/applications",
                                     headers=ada.auth)).json()
    states = {a["solver_id"]: a["state"] for a in listed["items"]}
    assert states == {bob.id: "accepted", cy.id: "rejected", dan.id: "withdrawn"}
    await error_of(await client.post(f"{API}/applications/{a_cy['id']}/reject",
                                     headers=ada.auth), 409)
    detail = await (await client.get(f"{API}/challenges/{challenge['id']}")).json()
    assert detail["state"] == "in_progress" and detail["solver_id"] == bob.id


async def test_my_applications(client: TestClient, members: Members) -> None:
    ada, bob, cy = [await members.signup(n) for n in ("ada", "bob", "cy")]
    first, second = await post_challenge(client, ada), await post_challenge(client, ada)
    await apply(client, bob, first["id"])
    await apply(client, bob, second["id"])
    await apply(client, cy, first["id"])
    body = await (await client.get(f"{API}/me/applications", headers=bob.auth)).json()
    assert [a["challenge_id"] for a in body["items"]] == [second["id"], first["id"]]
    assert {a["solver_id"] for a in body["items"]} == {bob.id}
    await error_of(await client.get(f"{API}/me/applications"), 401)
