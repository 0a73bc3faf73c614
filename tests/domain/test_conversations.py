from __future__ import annotations

import pytest

from domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.events import MessageSent, NotificationCreated
from domain.models.chat import Message
from domain.services import applications, challenges, conversations, notifications
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
