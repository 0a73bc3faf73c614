"""Who may see whose presence: only people the asker shares a conversation with.

(Communities record no members yet; when they do, sharing one belongs here too.) Anyone else,
and ids of nobody, are simply not answered, so presence can be used neither to probe which
ids exist nor to follow strangers.
"""

from __future__ import annotations

from collections.abc import Iterable

from domain.models.chat import Conversation
from domain.models.users import User
from domain.services.common import load_actor, require_id

MAX_QUERY = 100


async def visible_users(actor_id: str, user_ids: Iterable[object]) -> list[str]:
    """The ids among ``user_ids`` (validated, in the order given) whose presence the actor may
    see: themselves, and existing, unbanned people sharing a conversation with them."""
    actor = await load_actor(actor_id)
    asked = list(dict.fromkeys(require_id(u, "each user id") for u in user_ids))
    others = [u for u in asked if u != actor.id]
    if not others:
        return asked  # only themselves
    shared: set[str] = set()
    query = {"$and": [{"participant_ids": actor.id}, {"participant_ids": {"$in": others}}]}
    async for conversation in Conversation.find(query):
        shared.update(conversation.participant_ids)
    candidates = [u for u in others if u in shared]
    existing = {u.id async for u in User.find({"_id": {"$in": candidates}, "banned": False})
                } if candidates else set()
    return [u for u in asked if u == actor.id or u in existing]
