"""Communities: chats, guilds and workspaces that opted in to challenge announcements."""

from __future__ import annotations

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import Forbidden, ValidationFailed
from domain.models.social import Community
from domain.models.users import Platform
from domain.services.common import load_actor, parse_platform, update_where


def require_chat_admin(chat_admin: bool, title: str) -> None:
    """Only a person who administers a chat may change its announcements. Whether they do is
    the platform's answer (Telegram's chat member status, Discord's Manage Server, ...), which
    the bot asks for and passes in; the rule is here, the same for every platform."""
    if chat_admin is not True:
        raise Forbidden(f"only admins of “{title}” can change its announcements")


async def set_announcements(deps: Deps, actor_id: str, platform: Platform | str,
                            external_id: str, title: str, *, on: bool,
                            chat_admin: bool) -> Community | None:
    """Opt a community in to announcements of new challenges (``on``) or out."""
    await load_actor(actor_id)
    require_chat_admin(chat_admin, title or external_id)
    if on:
        return await _opt_in(actor_id, platform, external_id, title)
    return await _opt_out(platform, external_id)


async def _opt_in(actor_id: str, platform: Platform | str, external_id: str,
                  title: str) -> Community:
    if not external_id or len(external_id) > 64:
        raise ValidationFailed("a community needs its platform id")
    community = Community(platform=parse_platform(platform), external_id=external_id,
                          title=(title or external_id)[:120], opted_in_by=actor_id)
    try:
        await community.insert()
    except DuplicateKeyError:
        updated = await update_where(
            Community, {"platform": community.platform, "external_id": external_id},
            {"$set": {"active": True, "title": community.title, "opted_in_by": actor_id}})
        assert updated is not None
        return updated
    return community


async def _opt_out(platform: Platform | str, external_id: str) -> Community | None:
    return await update_where(Community, {"platform": parse_platform(platform),
                                          "external_id": external_id},
                              {"$set": {"active": False}})


async def active_communities(platform: Platform | str) -> list[Community]:
    return await Community.find({"platform": parse_platform(platform), "active": True}).to_list()
