"""Writing into a conversation from a chat: the same conversation the web app shows."""

from __future__ import annotations

from bots.core.caller import Caller
from bots.core.results import Reply
from bots.core.rich import rich
from domain.services import conversations


async def send(caller: Caller, conversation_id: str, body: str, client_id: str) -> Reply:
    """``client_id`` comes from the platform's own message id, so a platform that delivers
    one message twice posts it once."""
    await conversations.send_message(caller.deps, caller.user.id, {
        "conversation_id": conversation_id, "body": body, "client_id": client_id})
    return Reply(rich("✓ Sent."))
