from __future__ import annotations

import dataclasses

import pytest

from domain.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from domain.events import MessageSent, NotificationCreated
from domain.models.alerts import PendingAlert
from domain.models.chat import Message
from domain.models.common import utcnow
from domain.models.users import User
from domain.services import (
    applications,
    challenges,
    conversations,
    notifications,
    offline_delivery,
)
from domain.services.common import update_where
from domain.views import render_message
from tests.conftest import Users, challenge_data


async def test_direct_conversation_is_unique_per_pair(deps, users: Users) -> None:
    alice, bob = await users.make("alice"), await users.make("bob")
    first = await conversations.open_conversation(deps, alice.id, {"user_id": bob.id})
    second = await conversations.open_conversation(deps, bob.id, {"user_id": alice.id})
    assert first.id == second.id and first.participant_ids == sorted([alice.id, bob.id])
    with pytest.raises(ValidationFailed):
        await conversations.open_conversation(deps, alice.id, {"user_id": alice.id})
    with pytest.raises(ValidationFailed):
        await conversations.open_conversation(deps, alice.id, {"user_id": bob.id, "x": 1})
    with pytest.raises(NotFound):
        await conversations.open_conversation(deps, alice.id, {"user_id": "ghost"})


async def test_application_and_challenge_conversations_are_members_only(deps,
                                                                       users: Users) -> None:
    alice, bob, eve = await users.make("alice"), await users.make("bob"), await users.make("eve")
    challenge = await challenges.post_challenge(deps, alice.id, challenge_data())
    app = await applications.apply(deps, bob.id, challenge.id, {"proposal": "me"})
    about_app = await conversations.open_conversation(deps, bob.id, {"application_id": app.id})
    with pytest.raises(Forbidden):
        await conversations.open_conversation(deps, eve.id, {"application_id": app.id})
    with pytest.raises(Conflict):
        await conversations.open_conversation(deps, alice.id, {"challenge_id": challenge.id})
    await applications.accept(deps, alice.id, app.id)
    work = await conversations.open_conversation(deps, alice.id, {"challenge_id": challenge.id})
    assert work.id != about_app.id and work.kind == "challenge"
    with pytest.raises(Forbidden):
        await conversations.open_conversation(deps, eve.id, {"challenge_id": challenge.id})
    with pytest.raises(NotFound):  # a non-member cannot even tell that it exists
        await conversations.history(eve.id, work.id)
    with pytest.raises(NotFound):
        await conversations.send_message(deps, eve.id, {"conversation_id": work.id,
                                                        "body": "hi", "client_id": "c1"})


async def test_send_history_idempotency_and_unread(deps, users: Users) -> None:
    alice, bob = await users.make("alice"), await users.make("bob")
    chat = await conversations.open_conversation(deps, alice.id, {"user_id": bob.id})
    sent = [await conversations.send_message(deps, alice.id, {
        "conversation_id": chat.id, "body": f"m{i}", "client_id": f"c{i}"}) for i in range(5)]
    assert [m.seq for m in sent] == [1, 2, 3, 4, 5]
    again = await conversations.send_message(deps, alice.id, {
        "conversation_id": chat.id, "body": "different body", "client_id": "c2"})
    assert again.id == sent[2].id and again.body == "m2"
    assert sum(isinstance(e, MessageSent) for e in deps.bus.published) == 5
    missed = await conversations.history(bob.id, chat.id, after_seq=3)
    assert [m.body for m in missed] == ["m3", "m4"]
    assert len(await conversations.history(bob.id, chat.id, after_seq=0, limit=2)) == 2
    [(listed, unread)] = await conversations.list_conversations(bob.id)
    assert listed.id == chat.id and unread == 5
    assert await conversations.mark_read(deps, bob.id, chat.id, 4) == 4
    assert await conversations.mark_read(deps, bob.id, chat.id, 2) == 4  # never goes back
    assert (await conversations.list_conversations(bob.id))[0][1] == 1
    with pytest.raises(ValidationFailed):
        await conversations.mark_read(deps, bob.id, chat.id, 99)


@pytest.mark.parametrize("payload", [
    {}, {"conversation_id": "X", "body": "hi"}, {"conversation_id": "X", "client_id": "c"},
    {"body": "hi", "client_id": "c"}, {"conversation_id": "X", "body": "", "client_id": "c"},
    {"conversation_id": "X", "body": "   ", "client_id": "c"},
    {"conversation_id": "X", "body": "x" * 4001, "client_id": "c"},
    {"conversation_id": "X", "body": 5, "client_id": "c"},
    {"conversation_id": "X", "body": "hi", "client_id": ""},
    {"conversation_id": "X", "body": "hi", "client_id": "c" * 65},
    {"conversation_id": ["X"], "body": "hi", "client_id": "c"},
])
async def test_bad_messages_are_refused_and_nothing_is_stored(deps, users: Users,
                                                             payload) -> None:
    alice, bob = await users.make("alice"), await users.make("bob")
    chat = await conversations.open_conversation(deps, alice.id, {"user_id": bob.id})
    body = {k: (chat.id if v == "X" else v) for k, v in payload.items()}
    with pytest.raises(ValidationFailed):
        await conversations.send_message(deps, alice.id, body)
    assert await Message.count() == 0


@pytest.mark.parametrize("args", [{"after_seq": -1}, {"after_seq": "3"}, {"limit": 0},
                                  {"limit": 501}, {"after_seq": True}])
async def test_bad_history_queries(deps, users: Users, args) -> None:
    alice, bob = await users.make("alice"), await users.make("bob")
    chat = await conversations.open_conversation(deps, alice.id, {"user_id": bob.id})
    with pytest.raises(ValidationFailed):
        await conversations.history(alice.id, chat.id, **args)


async def test_notification_inbox(deps, users: Users) -> None:
    alice, bob = await users.make("alice"), await users.make("bob")
    challenge = await challenges.post_challenge(deps, alice.id, challenge_data())
    await applications.apply(deps, bob.id, challenge.id, {"proposal": "me"})
    [note] = await notifications.inbox(alice.id)
    assert note.kind == "application.received" and challenge.title in note.text
    assert NotificationCreated(notification_id=note.id, user_id=alice.id,
                               kind="application.received") in deps.bus.published
    assert await notifications.mark_read(deps, bob.id, [note.id]) == 0  # not bob's
    assert await notifications.mark_read(deps, alice.id, [note.id]) == 1
    assert await notifications.inbox(alice.id, unread_only=True) == []
    for bad in ([], "id", [1], ["x"] * 201):
        with pytest.raises(ValidationFailed):
            await notifications.mark_read(deps, alice.id, bad)


async def test_a_sent_message_is_stored_as_beanie_stores_one(deps, users: Users) -> None:
    # send_message writes the document itself (no per-insert encoding); it must be exactly
    # what inserting the Message document writes, so reads and indexes see no difference.
    alice, bob = await users.make("alice"), await users.make("bob")
    chat = await conversations.open_conversation(deps, alice.id, {"user_id": bob.id})
    sent = await conversations.send_message(deps, alice.id, {
        "conversation_id": chat.id, "body": "héllo", "client_id": "c1"})
    collection = Message.get_pymongo_collection()
    ours = await collection.find_one({"_id": sent.id})
    twin = Message(**sent.model_dump(exclude={"id"}) | {"client_id": "c2", "seq": 2})
    await twin.insert()
    beanies = await collection.find_one({"_id": twin.id})
    assert ours is not None and beanies is not None
    assert list(ours) == list(beanies)
    assert {k: type(v) for k, v in ours.items()} == {k: type(v) for k, v in beanies.items()}
    assert {k: v for k, v in ours.items() if k not in ("_id", "seq", "client_id")} == {
        k: v for k, v in beanies.items() if k not in ("_id", "seq", "client_id")}
    # What the send returned and announced is what a read gives back.
    stored = await Message.get(sent.id)
    assert stored == sent
    [event] = [e for e in deps.bus.published if isinstance(e, MessageSent)]
    assert event.message == render_message(stored) and event.sender_name == "alice"
    assert event.participant_ids == tuple(chat.participant_ids)


async def test_sending_checks_the_actor_as_every_action_does(deps, users: Users) -> None:
    alice, bob = await users.make("alice"), await users.make("bob")
    chat = await conversations.open_conversation(deps, alice.id, {"user_id": bob.id})
    payload = {"conversation_id": chat.id, "body": "hi", "client_id": "c1"}
    with pytest.raises(Unauthorized):
        await conversations.send_message(deps, "ghost", payload)
    await update_where(User, {"_id": alice.id}, {"$set": {"banned": True, "ban_reason": "spam"}})
    with pytest.raises(Forbidden) as banned:
        await conversations.send_message(deps, alice.id, payload)
    assert banned.value.details.get("reason") == "spam"
    await update_where(User, {"_id": bob.id}, {"$set": {"deleted_at": utcnow()}})
    with pytest.raises(Unauthorized):
        await conversations.send_message(deps, bob.id, payload)
    assert await Message.count() == 0


@pytest.mark.parametrize("carried", [True, False])
async def test_an_offline_alert_reads_only_what_the_event_does_not_carry(
        deps, users: Users, carried: bool) -> None:
    # Events written before MessageSent carried the message and the sender's name are still
    # on the durable log: the alert reads those back and says the same.
    alice, bob = await users.make("alice"), await users.make("bob")
    await update_where(User, {"_id": bob.id}, {"$set": {"email_verified": True}})
    chat = await conversations.open_conversation(deps, alice.id, {"user_id": bob.id})
    sent = await conversations.send_message(deps, alice.id, {
        "conversation_id": chat.id, "body": "are you there?", "client_id": "c1"})
    [event] = [e for e in deps.bus.published if isinstance(e, MessageSent)]
    assert event.message is not None and event.sender_name == "alice"
    await PendingAlert.find({}).delete()
    if not carried:
        event = dataclasses.replace(event, message=None, sender_name=None)
    await offline_delivery.on_message(event)
    [alert] = await PendingAlert.find({}).to_list()
    assert (alert.user_id, alert.text, alert.seq) == (bob.id, "alice: are you there?", 1)
    assert alert.created_at == sent.created_at
