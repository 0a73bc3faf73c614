"""Export and deletion: the export holds the person's data; deleting is refused while money
is held, then the account is gone while the other side's conversation and reviews still read
sensibly."""

from __future__ import annotations

import uuid

from aiohttp.test_utils import TestClient

from domain.deps import Deps
from domain.services import conversations, escrow, reviews
from tests.accounts.conftest import API, PASSWORD
from tests.api.conftest import error_of
from tests.conftest import Users
from tests.domain.escrow_helpers import accepted_challenge, fund


async def _auth(client: TestClient, email: str | None) -> dict[str, str]:
    resp = await client.post(f"{API}/auth/login", json={"email": email, "password": PASSWORD})
    assert resp.status == 200, await resp.text()
    return {"Authorization": f"Bearer {(await resp.json())['token']}"}


async def test_export_then_delete_keeps_the_other_side_readable(
        client: TestClient, users: Users, smtp_deps: Deps) -> None:
    deps = smtp_deps
    alice, bob, challenge = await accepted_challenge(deps, users, milestones=None)
    await fund(deps, alice.id, challenge.id)
    conversation = await conversations.open_conversation(deps, bob.id, {"user_id": alice.id})
    await conversations.send_message(deps, bob.id, {"conversation_id": conversation.id,
                                                    "body": "Done, have a look.",
                                                    "client_id": uuid.uuid4().hex})
    bob_auth, alice_auth = await _auth(client, bob.email), await _auth(client, alice.email)

    # While the reward is held, neither side may leave.
    for auth in (bob_auth, alice_auth):
        held = await error_of(await client.delete(f"{API}/me", json={"password": PASSWORD},
                                                  headers=auth), 409)
        assert "escrow" in held["message"]

    await escrow.release_milestone(deps, alice.id, challenge.id, 1)
    await reviews.post_review(deps, bob.id, challenge.id, {"rating": 5, "text": "Clear brief."})
    await reviews.post_review(deps, alice.id, challenge.id, {"rating": 4, "text": "Fast."})

    export = await (await client.get(f"{API}/me/export", headers=bob_auth)).json()
    assert export["user"]["email"] == bob.email and "password_hash" not in export["user"]
    assert [m["body"] for m in export["messages_sent"]] == ["Done, have a look."]
    assert [a["challenge_id"] for a in export["applications"]] == [challenge.id]
    assert export["reviews_written"][0]["text"] == "Clear brief."
    assert export["reviews_received"][0]["text"] == "Fast."
    assert export["escrows"][0]["challenge_id"] == challenge.id
    assert export["sessions"] and all("token_hash" not in s for s in export["sessions"])
    assert set(export["notification_preferences"]["message"]) >= {"web", "email"}

    await error_of(await client.delete(f"{API}/me", json={"password": "not it at all"},
                                       headers=bob_auth), 400)
    resp = await client.delete(f"{API}/me", json={"password": PASSWORD}, headers=bob_auth)
    assert resp.status == 200, await resp.text()

    # Gone: no session, no sign-in, no email on record.
    await error_of(await client.get(f"{API}/me", headers=bob_auth), 401)
    await error_of(await client.post(f"{API}/auth/login",
                                     json={"email": bob.email, "password": PASSWORD}), 401)
    profile = await (await client.get(f"{API}/users/{bob.id}")).json()
    assert profile["display_name"] == "Deleted user" and profile["bio"] == ""

    # Alice's side still reads: the message and the review stay, by a "Deleted user".
    history = await (await client.get(f"{API}/conversations/{conversation.id}/messages",
                                      headers=alice_auth)).json()
    assert [(m["sender_id"], m["body"]) for m in history["items"]] == \
        [(bob.id, "Done, have a look.")]
    alice_profile = await (await client.get(f"{API}/users/{alice.id}")).json()
    assert [(r["author_id"], r["text"]) for r in alice_profile["reviews"]] == \
        [(bob.id, "Clear brief.")]
    # The address is free again for a new account.
    again = await client.post(f"{API}/auth/register", json={
        "email": bob.email, "password": PASSWORD, "display_name": "Bob again"})
    assert again.status == 201
