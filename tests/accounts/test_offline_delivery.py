"""Offline delivery over real SMTP: what a person missed while away arrives as one digest,
never twice, never what they saw; one click unsubscribes."""

from __future__ import annotations

import uuid
from datetime import timedelta

import socketio
from aiohttp.test_utils import TestClient

from domain.deps import Deps
from domain.events import NotificationCreated
from domain.models.alerts import PendingAlert
from domain.models.chat import Notification
from domain.models.common import utcnow
from domain.services import conversations, notifications
from domain.services.offline_delivery import SEEN_WITHIN, deliver_due_digests, mark_reached
from tests.accounts.conftest import API, Member, verified
from tests.accounts.smtp_server import Mailbox
from tests.api.conftest import Members


async def _chat(deps: Deps, sender: Member, recipient: Member, *bodies: str) -> str:
    conversation = await conversations.open_conversation(deps, sender.id,
                                                         {"user_id": recipient.id})
    for body in bodies:
        await conversations.send_message(deps, sender.id, {
            "conversation_id": conversation.id, "body": body, "client_id": uuid.uuid4().hex})
    return conversation.id


def _later(minutes: float = 0) -> object:
    return utcnow() + SEEN_WITHIN + timedelta(seconds=1, minutes=minutes)


async def test_missed_messages_and_a_decision_become_one_digest(
        client: TestClient, members: Members, mailbox: Mailbox, smtp_deps: Deps) -> None:
    ann = await verified(client, members, mailbox, "ann")
    bob = await verified(client, members, mailbox, "bob")
    conversation_id = await _chat(smtp_deps, ann, bob, "Are you free Friday?", "Ping!")
    await notifications.notify(smtp_deps, bob.id, "application.accepted",
                               "Your application to “Logo” was accepted.",
                               {"challenge_id": "c1"})

    assert await deliver_due_digests(smtp_deps, utcnow()) == 0  # not yet: he may still look
    assert await deliver_due_digests(smtp_deps, _later()) == 1
    digest = await mailbox.wait_for(bob.email, count=2)  # after his verification mail
    assert "3 new on OpenChance" in digest.subject
    assert "ann: Ping! (+1 more)" in digest.text
    assert f"http://openchance.test/chat/{conversation_id}" in digest.text
    assert "was accepted" in digest.text and "http://openchance.test/challenges/c1" in digest.text
    assert "Ping!" in digest.html
    assert digest.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mailbox.to(ann.email)[1:] == []  # the sender is told nothing

    # Nothing twice: another run, even much later, has nothing left to send.
    assert await deliver_due_digests(smtp_deps, _later(minutes=30)) == 0
    assert len(mailbox.to(bob.email)) == 2
    # Settled alerts are kept a week, then deleted.
    assert await PendingAlert.find({"user_id": bob.id, "state": "sent"}).count() == 3
    await deliver_due_digests(smtp_deps, utcnow() + timedelta(days=8))
    assert await PendingAlert.find({"user_id": bob.id}).count() == 0


async def test_what_was_seen_or_reached_elsewhere_is_not_mailed(
        client: TestClient, members: Members, mailbox: Mailbox, smtp_deps: Deps) -> None:
    ann = await verified(client, members, mailbox, "ann")
    bob = await verified(client, members, mailbox, "bob")
    conversation_id = await _chat(smtp_deps, ann, bob, "read this one")
    await conversations.mark_read(smtp_deps, bob.id, conversation_id, 1)
    note = await notifications.notify(smtp_deps, bob.id, "escrow.funded", "Funded.", {})
    await notifications.mark_read(smtp_deps, bob.id, [note.id])
    dm = await notifications.notify(smtp_deps, bob.id, "escrow.released", "Released.", {})
    await mark_reached(bob.id, f"notification:{dm.id}", "telegram")  # the bot DMed him
    # A DM that went out before the alert was even queued (both hear the same event).
    early = Notification(user_id=bob.id, kind="escrow.refunded", text="Refunded.")
    await mark_reached(bob.id, f"notification:{early.id}", "discord")
    await early.insert()
    await smtp_deps.bus.publish(NotificationCreated(notification_id=early.id, user_id=bob.id))

    assert await deliver_due_digests(smtp_deps, _later()) == 0
    states = sorted(a.ref.split(":")[0] + ":" + a.state for a in
                    await PendingAlert.find({"user_id": bob.id}).to_list())
    assert states == ["message:seen", "notification:reached", "notification:reached",
                      "notification:seen"]
    assert len(mailbox.to(bob.email)) == 1  # only the verification mail


async def test_someone_online_is_not_mailed(
        client: TestClient, members: Members, mailbox: Mailbox, smtp_deps: Deps) -> None:
    ann = await verified(client, members, mailbox, "ann")
    bob = await verified(client, members, mailbox, "bob")
    sio = socketio.AsyncClient(reconnection=False)
    await sio.connect(str(client.make_url("/")), auth={"token": bob.token},
                      transports=["websocket"], wait_timeout=5)
    try:
        await _chat(smtp_deps, ann, bob, "you are online, you saw it")
        assert await deliver_due_digests(smtp_deps, _later()) == 0
    finally:
        await sio.disconnect()
    assert len(mailbox.to(bob.email)) == 1


async def test_preferences_and_one_click_unsubscribe(
        client: TestClient, members: Members, mailbox: Mailbox, smtp_deps: Deps) -> None:
    ann = await verified(client, members, mailbox, "ann")
    bob = await verified(client, members, mailbox, "bob")
    prefs = await (await client.get(f"{API}/me/notification-preferences",
                                    headers=bob.auth)).json()
    assert prefs["message"] == {"web": True, "email": True, "telegram": True,
                                "discord": True, "slack": True}
    assert prefs["review.received"]["email"] is False  # a quieter default

    await _chat(smtp_deps, ann, bob, "first")
    assert await deliver_due_digests(smtp_deps, _later()) == 1
    digest = await mailbox.wait_for(bob.email, count=2)
    one_click = digest.message["List-Unsubscribe"].strip("<>")
    assert one_click.startswith("http://openchance.test/api/v1/unsubscribe?token=")
    assert digest.link("/unsubscribe").startswith("http://openchance.test/unsubscribe?token=")

    # What a mail client's one-click button does (RFC 8058): a form POST to that URL.
    path = one_click.removeprefix("http://openchance.test")
    resp = await client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert resp.status == 200 and (await resp.json())["kinds"] == ["message"]
    prefs = await (await client.get(f"{API}/me/notification-preferences",
                                    headers=bob.auth)).json()
    assert prefs["message"]["email"] is False and prefs["message"]["web"] is True

    await _chat(smtp_deps, ann, bob, "second")
    assert await deliver_due_digests(smtp_deps, _later(minutes=20)) == 0
    assert len(mailbox.to(bob.email)) == 2

    # The preferences page turns it back on; a bad kind or channel is a 400 naming it.
    resp = await client.put(f"{API}/me/notification-preferences", headers=bob.auth,
                            json={"message": {"email": True}})
    assert (await resp.json())["message"]["email"] is True
    # Kinds have dots ("review.received"); they are stored and read back as such.
    resp = await client.put(f"{API}/me/notification-preferences", headers=bob.auth,
                            json={"review.received": {"email": True, "slack": False}})
    again = await (await client.get(f"{API}/me/notification-preferences",
                                    headers=bob.auth)).json()
    assert again == await resp.json()
    assert again["review.received"]["email"] is True and again["review.received"]["slack"] is False
    assert again["message"]["email"] is True
    bad = await client.put(f"{API}/me/notification-preferences", headers=bob.auth,
                           json={"message": {"pigeon": True}, "nope": {}})
    assert bad.status == 400
    assert set((await bad.json())["error"]["fields"]) == {"message.pigeon", "nope"}


async def test_digests_are_spaced_out(
        client: TestClient, members: Members, mailbox: Mailbox, smtp_deps: Deps) -> None:
    ann = await verified(client, members, mailbox, "ann")
    bob = await verified(client, members, mailbox, "bob")
    await _chat(smtp_deps, ann, bob, "one")
    first_run = _later()
    assert await deliver_due_digests(smtp_deps, first_run) == 1
    await _chat(smtp_deps, ann, bob, "two")
    # Due, but a digest just went out: it waits for the gap instead of a mail a minute.
    assert await deliver_due_digests(smtp_deps, first_run + timedelta(minutes=1)) == 0
    assert await deliver_due_digests(smtp_deps, first_run + timedelta(minutes=11)) == 1
    assert "two" in (await mailbox.wait_for(bob.email, count=3)).text
