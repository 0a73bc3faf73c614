"""Posting a challenge from a finished form (a wizard's answers, a modal's fields)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bots.core.caller import Caller
from bots.core.presenters import card
from bots.core.results import Reply
from bots.core.rich import rich
from domain.services import challenges
from domain.services.common import load_actor


async def may_post(caller: Caller) -> None:
    """Raises now, not six answers later, if this account may not act (banned)."""
    await load_actor(caller.user.id)


async def post(caller: Caller, form: Mapping[str, Any]) -> Reply:
    """Raises ``ValidationFailed`` naming the refused field (``details['fields']``), so a
    wizard can ask that one again."""
    challenge = await challenges.post_challenge(caller.deps, caller.user.id, form)
    return Reply(rich("🎉 Posted!"), card=card(challenge), replaces=True, notice="Posted")


def refused_field(details: Mapping[str, Any]) -> str | None:
    """The form field a ValidationFailed names first (``milestones.0.amount`` -> milestones)."""
    fields = details.get("fields") or {}
    return next(iter(fields), "").split(".")[0] or None
