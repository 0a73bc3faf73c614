"""A person's own dashboard: what they posted, what they solve, where they applied."""

from __future__ import annotations

from dataclasses import dataclass

from domain.models.challenges import Application, Challenge
from domain.services.common import load_actor

_LIMIT = 50


@dataclass(frozen=True)
class Overview:
    owned: list[Challenge]
    solving: list[Challenge]
    applications: list[Application]
    # challenge id -> title, for every challenge an application above points at.
    titles: dict[str, str]


async def my_overview(actor_id: str) -> Overview:
    actor = await load_actor(actor_id)
    owned = await (Challenge.find({"owner_id": actor.id, "state": {"$ne": "removed"}})
                   .sort("-created_at").limit(_LIMIT).to_list())
    solving = await (Challenge.find({"solver_id": actor.id}).sort("-updated_at")
                     .limit(_LIMIT).to_list())
    applications = await (Application.find({"solver_id": actor.id}).sort("-created_at")
                          .limit(_LIMIT).to_list())
    ids = list({a.challenge_id for a in applications})
    titles = {c.id: c.title for c in await Challenge.find({"_id": {"$in": ids}}).to_list()}
    return Overview(owned=owned, solving=solving, applications=applications, titles=titles)
