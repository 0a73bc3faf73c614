"""Reviews, conversations with history, notifications, reports and moderation over HTTP."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from domain.models.social import AuditEntry
from domain.models.users import Role
from domain.services import conversations, escrow
from tests.api.conftest import API, Member, Members, apply, error_of, post_challenge
from tests.domain.escrow_helpers import fund


async def completed_challenge(client: TestClient, deps, ada: Member, bob: Member) -> str:
    challenge = await post_challenge(client, ada, milestones=None)
    application = await apply(client, bob, challenge["id"])
    await client.post(f"{API}/applications/{application['id']}/accept", headers=ada.auth)
    await fund(deps, ada.id, challenge["id"])
    await escrow.release_milestone(deps, ada.id, challenge["id"], 1)
    return challenge["id"]


async def test_reviews_and_reputation(client: TestClient, members: Members, deps) -> None:
    ada, bob, cy = [await members.signup(n) for n in ("ada", "bob", "cy")]
    open_one = await post_challenge(client, ada)
    await error_of(await client.post(f"{API}/challenges/{open_one['id']}/reviews",
                                     headers=ada.auth, json={"rating": 5}), 409)
    challenge_id = await completed_challenge(client, deps, ada, bob)
    url = f"{API}/challenges/{challenge_id}/reviews"
    await error_of(await client.post(url, headers=ada.auth, json={"rating": 6}), 400)
    await error_of(await client.post(url, headers=ada.auth, json={"rating": "5"}), 400)
    await error_of(await client.post(url, headers=cy.auth, json={"rating": 4}), 403)
    await error_of(await client.post(url, json={"rating": 4}), 401)
    await error_of(await client.post(f"{API}/challenges/nope/reviews", headers=ada.auth,
                                     json={"rating": 4}), 404)
    resp = await client.post(url, headers=ada.auth, json={"rating": 5, "text": "Superb"})
    assert resp.status == 201 and (await resp.json())["subject_id"] == bob.id
    await error_of(await client.post(url, headers=ada.auth, json={"rating": 1}), 409)
    profile = await (await client.get(f"{API}/users/{bob.id}")).json()
    assert profile["reputation"] == {"average": 5.0, "count": 1}
    assert [r["text"] for r in profile["reviews"]] == ["Superb"]


async def test_conversations_and_history(client: TestClient, members: Members, deps) -> None:
    ada, bob, cy = [await members.signup(n) for n in ("ada", "bob", "cy")]
    conversation = await conversations.open_conversation(deps, ada.id, {"user_id": bob.id})
    for i in range(5):
        await conversations.send_message(deps, ada.id, {
            "conversation_id": conversation.id, "body": f"message {i}", "client_id": f"c{i}"})
    listed = await (await client.get(f"{API}/conversations", headers=bob.auth)).json()
    assert [(c["id"], c["unread"], c["last_seq"]) for c in listed["items"]] == [
        (conversation.id, 5, 5)]
    url = f"{API}/conversations/{conversation.id}/messages"
    page = await (await client.get(f"{url}?after_seq=1&limit=2", headers=bob.auth)).json()
    assert [m["seq"] for m in page["items"]] == [2, 3]
    assert page["items"][0]["body"] == "message 1" and page["items"][0]["sender_id"] == ada.id
    everything = await (await client.get(url, headers=ada.auth)).json()
    assert [m["seq"] for m in everything["items"]] == [1, 2, 3, 4, 5]
    for bad in ("after_seq=x", "after_seq=-1", "limit=0", "limit=501", "limit=1.5", "foo=1"):
        await error_of(await client.get(f"{url}?{bad}", headers=bob.auth), 400)
    await error_of(await client.get(url, headers=cy.auth), 404)
    await error_of(await client.get(url), 401)
    await error_of(await client.get(f"{API}/conversations", headers={}), 401)
    none = await (await client.get(f"{API}/conversations", headers=cy.auth)).json()
    assert none == {"items": []}


async def test_notifications_inbox_and_read(client: TestClient, members: Members) -> None:
    ada, bob = await members.signup("ada"), await members.signup("bob")
    challenge = await post_challenge(client, ada)
    await apply(client, bob, challenge["id"])
    inbox = await (await client.get(f"{API}/notifications", headers=ada.auth)).json()
    assert [n["kind"] for n in inbox["items"]] == ["application.received"]
    assert inbox["items"][0]["read"] is False
    ids = [n["id"] for n in inbox["items"]]
    await error_of(await client.post(f"{API}/notifications/read", headers=ada.auth,
                                     json={"ids": []}), 400)
    await error_of(await client.post(f"{API}/notifications/read", headers=ada.auth,
                                     json={"ids": "all"}), 400)
    other = await client.post(f"{API}/notifications/read", headers=bob.auth, json={"ids": ids})
    assert await other.json() == {"marked": 0}
    resp = await client.post(f"{API}/notifications/read", headers=ada.auth, json={"ids": ids})
    assert resp.status == 200 and await resp.json() == {"marked": 1}
    unread = await (await client.get(f"{API}/notifications?unread_only=true",
                                     headers=ada.auth)).json()
    assert unread == {"items": []}
    await error_of(await client.get(f"{API}/notifications?limit=zero", headers=ada.auth), 400)
    await error_of(await client.get(f"{API}/notifications"), 401)


async def test_reports_and_moderation(client: TestClient, members: Members) -> None:
    ada, bob = await members.signup("ada"), await members.signup("bob")
    mod = await members.with_role("mod", Role.MODERATOR)
    resp = await client.post(f"{API}/reports", headers=ada.auth, json={
        "target_type": "user", "target_id": bob.id, "reason": "spam in every chat"})
    assert resp.status == 201
    report = await resp.json()
    assert report["state"] == "open" and report["reporter_id"] == ada.id
    await error_of(await client.post(f"{API}/reports", headers=ada.auth, json={
        "target_type": "planet", "target_id": bob.id, "reason": "x"}), 400)

    await error_of(await client.get(f"{API}/mod/reports", headers=ada.auth), 403)
    await error_of(await client.get(f"{API}/mod/reports?state=maybe", headers=mod.auth), 400)
    listed = await (await client.get(f"{API}/mod/reports", headers=mod.auth)).json()
    assert [r["id"] for r in listed["items"]] == [report["id"]]
    resolve = f"{API}/mod/reports/{report['id']}/resolve"
    assert (await client.post(resolve, headers=mod.auth)).status == 200
    await error_of(await client.post(resolve, headers=mod.auth), 409)

    ban = f"{API}/mod/users/{bob.id}/ban"
    await error_of(await client.post(ban, headers=ada.auth), 403)
    await error_of(await client.post(ban, headers=mod.auth, json={"reason": 5}), 400)
    await error_of(await client.post(f"{API}/mod/users/nope/ban", headers=mod.auth), 404)
    resp = await client.post(ban, headers=mod.auth, json={"reason": "spam"})
    assert resp.status == 200 and (await resp.json())["banned"] is True
    await error_of(await client.post(ban, headers=mod.auth), 409)
    assert (await error_of(await client.get(f"{API}/me", headers=bob.auth), 403))[
        "code"] == "forbidden"
    unban = f"{API}/mod/users/{bob.id}/unban"
    assert (await (await client.post(unban, headers=mod.auth)).json())["banned"] is False
    await error_of(await client.post(unban, headers=mod.auth), 409)
    assert (await client.get(f"{API}/me", headers=bob.auth)).status == 200

    challenge = await post_challenge(client, ada)
    remove = f"{API}/mod/challenges/{challenge['id']}/remove"
    await error_of(await client.post(remove, headers=ada.auth), 403)
    resp = await client.post(remove, headers=mod.auth, json={"reason": "scam"})
    assert resp.status == 200 and (await resp.json())["state"] == "removed"
    await error_of(await client.post(remove, headers=mod.auth), 409)
    await error_of(await client.post(f"{API}/mod/challenges/nope/remove", headers=mod.auth), 404)

    actions = {(e.action, e.target_id) for e in await AuditEntry.find({}).to_list()}
    assert actions == {("report.resolve", report["id"]), ("user.ban", bob.id),
                       ("user.unban", bob.id), ("challenge.remove", challenge["id"])}
