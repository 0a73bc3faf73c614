"""Conversations and messages. A message is stored with its gap-free ``seq`` before anyone
hears of it, and sending is idempotent on the client's ``client_id``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.events import MessageSent
from domain.models.base import construct_trusted
from domain.models.challenges import Application, Challenge
from domain.models.chat import Conversation, ConversationKind, Message
from domain.models.common import new_id, utcnow
from domain.models.users import User
from domain.services.common import actor_fields, get_or_404, load_actor, parse, update_where
from domain.services.inputs import MessageInput
from domain.views import render_message

MAX_HISTORY_PAGE = 500
_MAX_SEQ_ATTEMPTS = 1000


async def _get_or_create(kind: ConversationKind, key: str, participant_ids: list[str],
                         subject_id: str | None) -> Conversation:
    existing = await Conversation.find_one({"key": key})
    if existing is not None:
        return existing
    conversation = Conversation(kind=kind, key=key, participant_ids=sorted(set(participant_ids)),
                                subject_id=subject_id)
    try:
        await conversation.insert()
    except DuplicateKeyError:
        found = await Conversation.find_one({"key": key})
        assert found is not None
        return found
    return conversation


async def open_conversation(deps: Deps, actor_id: str, target: Mapping[str, Any]) -> Conversation:
    """The conversation with a user, about an application, or about a challenge's work."""
    actor = await load_actor(actor_id)
    if not isinstance(target, Mapping) or len(target) != 1:
        raise ValidationFailed("give exactly one of user_id, application_id, challenge_id")
    (field, value), = target.items()
    if field == "user_id":
        other = await get_or_404(User, value, "user")
        if other.id == actor.id:
            raise ValidationFailed("you cannot open a conversation with yourself")
        pair = sorted([actor.id, other.id])
        return await _get_or_create(ConversationKind.DIRECT, f"direct:{pair[0]}:{pair[1]}",
                                    pair, None)
    if field == "application_id":
        application = await get_or_404(Application, value, "application")
        challenge = await get_or_404(Challenge, application.challenge_id, "challenge")
        members = [challenge.owner_id, application.solver_id]
        if actor.id not in members:
            raise Forbidden("only the challenger and the applicant talk about an application")
        return await _get_or_create(ConversationKind.APPLICATION, f"application:{application.id}",
                                    members, application.id)
    if field == "challenge_id":
        challenge = await get_or_404(Challenge, value, "challenge")
        if not challenge.solver_id:
            raise Conflict("a challenge's conversation opens once a solver is accepted")
        members = [challenge.owner_id, challenge.solver_id]
        if actor.id not in members:
            raise Forbidden("only the challenger and the accepted solver are in this conversation")
        return await _get_or_create(ConversationKind.CHALLENGE, f"challenge:{challenge.id}",
                                    members, challenge.id)
    raise ValidationFailed("give exactly one of user_id, application_id, challenge_id")


async def member_conversation(actor_id: str, conversation_id: Any) -> Conversation:
    """The conversation, if ``actor_id`` is in it; a non-member learns nothing about it."""
    actor = await load_actor(actor_id)
    if not isinstance(conversation_id, str) or not conversation_id:
        raise ValidationFailed("conversation_id must be a string")
    conversation = await Conversation.get(conversation_id) if len(conversation_id) <= 64 else None
    if conversation is None or actor.id not in conversation.participant_ids:
        raise NotFound("conversation not found")
    return conversation


async def list_conversations(actor_id: str) -> list[tuple[Conversation, int]]:
    """The actor's conversations, newest activity first, each with its unread count."""
    actor = await load_actor(actor_id)
    conversations = await (Conversation.find({"participant_ids": actor.id})
                           .sort("-updated_at").limit(200).to_list())
    return [(c, max(0, c.last_seq - c.read_seqs.get(actor.id, 0))) for c in conversations]


async def history(actor_id: str, conversation_id: Any, after_seq: Any = 0,
                  limit: Any = 100) -> list[Message]:
    conversation = await member_conversation(actor_id, conversation_id)
    if isinstance(after_seq, bool) or not isinstance(after_seq, int) or after_seq < 0:
        raise ValidationFailed("after_seq must be a non-negative integer")
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_HISTORY_PAGE:
        raise ValidationFailed(f"limit must be between 1 and {MAX_HISTORY_PAGE}")
    return await (Message.find({"conversation_id": conversation.id, "seq": {"$gt": after_seq}})
                  .sort("seq").limit(limit).to_list())


async def send_message(deps: Deps, actor_id: str, data: Mapping[str, Any]) -> Message:
    """Store the message at the conversation's next seq and announce it.

    This runs for every chat message, so it reads only what it needs, as stored: the actor's
    standing and name, the conversation's members and last seq (two reads by id, projected),
    then one insert and one update. Resending a ``client_id`` is caught by its unique index,
    and the event carries the rendered message and the sender's name, so nobody reads them
    back."""
    form = parse(MessageInput, data)
    actor = await actor_fields(actor_id, "display_name")
    found = await Conversation.get_pymongo_collection().find_one(
        {"_id": form.conversation_id}, {"last_seq": 1, "participant_ids": 1})
    if found is None or actor_id not in found["participant_ids"]:
        raise NotFound("conversation not found")  # a non-member learns nothing about it
    message, created = await _insert_next(form.conversation_id, found["last_seq"], actor_id,
                                          form)
    if created:
        await deps.bus.publish(MessageSent(
            message_id=message.id, conversation_id=message.conversation_id, seq=message.seq,
            sender_id=actor_id, participant_ids=tuple(found["participant_ids"]),
            message=render_message(message), sender_name=actor.get("display_name")))
    return message


async def _insert_next(conversation_id: str, last_seq: int, sender_id: str,
                       form: MessageInput) -> tuple[Message, bool]:
    """Insert at the lowest free seq. Seqs 1..last_seq are always taken, so starting there and
    stepping past taken ones keeps the sequence gap-free without a counter to roll back. The
    conversation was read just now; if another sender got in since, the seq index says so.

    The document is written as Beanie would write a ``Message`` (tests/domain/test_messages
    compares the two) but without its per-insert encoding and validation: every value is
    either ours (ids, seq, time) or was validated by ``MessageInput`` just now."""
    messages = Message.get_pymongo_collection()
    seq = last_seq + 1
    for _ in range(_MAX_SEQ_ATTEMPTS):
        now = utcnow()
        stored = {"_id": new_id(), "conversation_id": conversation_id, "seq": seq,
                  "sender_id": sender_id, "body": form.body, "client_id": form.client_id,
                  "created_at": now}
        try:
            await messages.insert_one(stored)
        except DuplicateKeyError:
            same_client = await Message.find_one({"conversation_id": conversation_id,
                                                  "client_id": form.client_id})
            if same_client is not None:
                return same_client, False
            seq += 1
            continue
        # No document back: nothing here needs the updated conversation.
        await Conversation.get_pymongo_collection().update_one(
            {"_id": conversation_id}, {"$max": {"last_seq": seq}, "$set": {"updated_at": now}})
        # Trusted values (see above): constructing skips validating them a second time.
        message = construct_trusted(
            Message, id=stored["_id"], conversation_id=conversation_id, seq=seq,
            sender_id=sender_id, body=form.body, client_id=form.client_id, created_at=now)
        return message, True
    raise Conflict("the conversation is too busy; send again")


async def mark_read(deps: Deps, actor_id: str, conversation_id: Any, seq: Any) -> int:
    """Record that the actor read up to ``seq``; returns the stored (never decreasing) value."""
    conversation = await member_conversation(actor_id, conversation_id)
    if isinstance(seq, bool) or not isinstance(seq, int) or not 0 <= seq <= conversation.last_seq:
        raise ValidationFailed(f"seq must be an integer between 0 and {conversation.last_seq}")
    updated = await update_where(Conversation, {"_id": conversation.id},
                                 {"$max": {f"read_seqs.{actor_id}": seq}})
    assert updated is not None
    return updated.read_seqs.get(actor_id, seq)
