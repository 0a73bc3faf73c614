"""Communities: chats, guilds and workspaces that opted in to challenge announcements."""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import ValidationFailed
from domain.models.social import Community
from domain.models.users import Platform
from domain.services.common import load_actor, parse_platform, update_where


async def opt_in(deps: Deps, actor_id: str, platform: Platform | str, external_id: str,
                 title: str) -> Community:
    """Called by a bot after it checked the person is an admin of that chat on the platform."""
    actor = await load_actor(actor_id)
    if not external_id or len(external_id) > 64:
        raise ValidationFailed("a community needs its platform id")
    community = Community(platform=parse_platform(platform), external_id=external_id,
                          title=(title or external_id)[:120], opted_in_by=actor.id)
    try:
        await community.insert()
    except DuplicateKeyError:
        updated = await update_where(
            Community, {"platform": community.platform, "external_id": external_id},
            {"$set": {"active": True, "title": community.title, "opted_in_by": actor.id}})
        assert updated is not None
        return updated
    return community


async def opt_out(deps: Deps, actor_id: str, platform: Platform | str,
                  external_id: str) -> Community | None:
    await load_actor(actor_id)
    return await update_where(Community, {"platform": parse_platform(platform),
                                          "external_id": external_id},
                              {"$set": {"active": False}})


async def active_communities(platform: Platform | str) -> list[Community]:
    return await Community.find({"platform": parse_platform(platform), "active": True}).to_list()
