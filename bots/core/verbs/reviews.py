"""Reviewing the other side of a completed challenge."""

from __future__ import annotations

from bots.core.caller import Caller
from bots.core.results import Reply
from bots.core.rich import rich
from domain.services import reviews


async def review(caller: Caller, challenge_id: str, rating: int | str, text: str) -> Reply:
    posted = await reviews.post_review(caller.deps, caller.user.id, challenge_id,
                                       {"rating": rating, "text": text})
    return Reply(rich(f"⭐ Review posted: {posted.rating}/5. Thank you!"))
