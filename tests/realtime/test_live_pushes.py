"""Presence, and domain events turned into pushes: notifications, challenges, escrow."""

from __future__ import annotations

import asyncio

from domain.events import ChallengeUpdated
from domain.models.challenges import Challenge
from domain.models.chat import Notification
from domain.services import applications, challenges, escrow, notification_preferences
from domain.views import render_challenge
from tests.conftest import challenge_data
from tests.realtime.conftest import LiveServer, Person


async def test_presence_follows_sockets_across_tabs_with_a_grace_period(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, _ = pair
    a = await server.client(alice)
    assert await a.call("presence:query", {"user_ids": [bob.id, alice.id]}) == {
        "ok": True, "online": {bob.id: False, alice.id: True}}
    tab1 = await server.client(bob)
    assert (await a.wait_for("presence")) == [{"user_id": bob.id, "online": True}]
    tab2 = await server.client(bob)
    await tab1.close()
    await asyncio.sleep(0.6)  # longer than the grace period (0.4 s here)
    assert (await a.call("presence:query", {"user_ids": [bob.id]}))["online"] == {bob.id: True}
    assert a.received["presence"] == [{"user_id": bob.id, "online": True}]
    await tab2.close()
    # Still online during the grace period, offline after it.
    assert (await a.call("presence:query", {"user_ids": [bob.id]}))["online"] == {bob.id: True}
    pushed = await a.wait_for("presence", lambda got: len(got) >= 2, timeout=3)
    assert pushed[-1] == {"user_id": bob.id, "online": False}
    assert (await a.call("presence:query", {"user_ids": [bob.id]}))["online"] == {bob.id: False}


async def test_a_quick_reconnect_is_not_reported_offline(
        server: LiveServer, pair: tuple[Person, Person, str]) -> None:
    alice, bob, conversation_id = pair
    a = await server.client(alice)
    # Joining a conversation follows the other member's presence.
    await a.call("conversation:join", {"conversation_id": conversation_id})
    b = await server.client(bob)
    await a.wait_for("presence")
    await b.close()
    await server.client(bob)
    await asyncio.sleep(0.7)
    assert all(p["online"] for p in a.received["presence"])


async def test_domain_events_become_pushes(server: LiveServer) -> None:
    deps = server.deps
    alice, bob = await server.person("alice"), await server.person("bob")
    a, b = await server.client(alice), await server.client(bob)
    challenge = await challenges.post_challenge(deps, alice.id, challenge_data())
    assert await b.call("challenge:watch", {"challenge_id": challenge.id}) == {"ok": True}

    application = await applications.apply(deps, bob.id, challenge.id, {"proposal": "I can"})
    received = (await a.wait_for("notification"))[0]["notification"]
    assert received["kind"] == "application.received"
    assert received["data"]["challenge_id"] == challenge.id
    stored = await Notification.get(received["id"])  # the push is also in the inbox
    assert stored is not None and stored.text == received["text"] and stored.user_id == alice.id

    await applications.accept(deps, alice.id, application.id)
    updated = (await b.wait_for("challenge:updated"))[0]["challenge"]
    assert updated["id"] == challenge.id and updated["state"] == "in_progress"
    assert "deadline_key" not in updated
    await b.wait_for("notification", lambda got: any(
        n["notification"]["kind"] == "application.accepted" for n in got))

    started, _ = await escrow.start_funding(deps, alice.id, challenge.id)
    await escrow.confirm_funding(deps, started.id, amount=started.amount,
                                 currency=started.currency,
                                 reference=started.checkout_reference or "ref")
    for client in (a, b):
        pushed = (await client.wait_for("escrow:updated"))[0]["escrow"]
        assert pushed["challenge_id"] == challenge.id and pushed["state"] == "funded"
        money = {"amount": 30_000, "currency": "usd"}  # the same shape as over HTTP
        assert pushed["amount"] == money and pushed["held"] == money


async def test_escrow_pushes_go_only_to_its_participants(server: LiveServer) -> None:
    deps = server.deps
    alice, bob, eve = [await server.person(n) for n in ("alice", "bob", "eve")]
    e = await server.client(eve)
    challenge = await challenges.post_challenge(deps, alice.id, challenge_data())
    await e.call("challenge:watch", {"challenge_id": challenge.id})
    application = await applications.apply(deps, bob.id, challenge.id, {"proposal": "me"})
    await applications.accept(deps, alice.id, application.id)
    started, _ = await escrow.start_funding(deps, alice.id, challenge.id)
    await escrow.confirm_funding(deps, started.id, amount=started.amount,
                                 currency=started.currency,
                                 reference=started.checkout_reference or "ref")
    await e.wait_for("challenge:updated")  # public: the watcher hears it
    await asyncio.sleep(0.2)
    assert e.received["escrow:updated"] == [] and e.received["notification"] == []


async def test_a_kind_turned_off_for_the_web_is_pushed_without_an_alert(
        server: LiveServer) -> None:
    deps = server.deps
    alice, bob = await server.person("alice"), await server.person("bob")
    a = await server.client(alice)
    await notification_preferences.set_choices(alice.id, {"application.received":
                                                          {"web": False}})
    challenge = await challenges.post_challenge(deps, alice.id, challenge_data())
    await applications.apply(deps, bob.id, challenge.id, {"proposal": "I can"})
    muted = (await a.wait_for("notification"))[0]
    assert muted["notification"]["kind"] == "application.received" and muted["alert"] is False
    await notification_preferences.set_choices(alice.id, {"application.received":
                                                          {"web": True}})
    other = await challenges.post_challenge(deps, alice.id, challenge_data())
    await applications.apply(deps, bob.id, other.id, {"proposal": "me too"})
    got = await a.wait_for("notification", lambda got: len(got) >= 2)
    assert got[1]["notification"]["data"]["challenge_id"] == other.id and got[1]["alert"] is True


async def test_challenge_pushes_follow_the_stored_form_never_a_stale_rendering(
        server: LiveServer) -> None:
    # Pushes keep the last rendering per stored form (services/validated_cache.RenderedCache):
    # a change made by any path, even straight in the store, shows in the next push.
    deps = server.deps
    alice, bob = await server.person("alice"), await server.person("bob")
    b = await server.client(bob)
    challenge = await challenges.post_challenge(deps, alice.id, challenge_data())
    await b.call("challenge:watch", {"challenge_id": challenge.id})
    for _ in range(2):
        await deps.bus.publish(ChallengeUpdated(challenge_id=challenge.id, state="open"))
    first, again = await b.wait_for("challenge:updated", lambda got: len(got) >= 2)
    assert first == again and first["challenge"]["title"] == challenge.title
    await Challenge.get_pymongo_collection().update_one(
        {"_id": challenge.id}, {"$set": {"title": "Renamed behind the service's back"}})
    await deps.bus.publish(ChallengeUpdated(challenge_id=challenge.id, state="open"))
    pushed = await b.wait_for("challenge:updated", lambda got: len(got) >= 3)
    assert pushed[2]["challenge"]["title"] == "Renamed behind the service's back"
    fresh = await Challenge.get(challenge.id)
    assert fresh is not None and pushed[2]["challenge"] == render_challenge(fresh)
