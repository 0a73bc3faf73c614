"""Community announcements: which opted-in communities hear of a challenge, and where each
card was posted so a bot can edit it in place when the challenge changes."""

from __future__ import annotations

from datetime import datetime

from pymongo.errors import DuplicateKeyError

from domain.errors import ValidationFailed
from domain.models.announcements import Announcement
from domain.models.challenges import Challenge, Visibility
from domain.models.social import Community
from domain.models.users import Platform
from domain.services.common import get_or_404, parse_platform, update_where


async def audiences(platform: Platform | str, challenge_id: str
                    ) -> tuple[Challenge, list[Community]]:
    """The challenge and the communities on ``platform`` that should see it announced:
    every active one for a public challenge, only its own for a community challenge."""
    platform = parse_platform(platform)
    challenge = await get_or_404(Challenge, challenge_id, "challenge")
    if challenge.visibility == Visibility.PUBLIC:
        condition: dict[str, object] = {"platform": platform, "active": True}
    elif challenge.visibility == Visibility.COMMUNITY and challenge.community_id:
        condition = {"platform": platform, "active": True, "_id": challenge.community_id}
    else:
        return challenge, []
    return challenge, await Community.find(condition).to_list()


async def record(platform: Platform | str, community_external_id: str, challenge_id: str,
                 message_ref: str) -> Announcement:
    """Remember where the card went; announcing the same challenge twice keeps the newest."""
    if not community_external_id or not message_ref:
        raise ValidationFailed("an announcement needs its community and message reference")
    entry = Announcement(platform=parse_platform(platform),
                         community_external_id=community_external_id,
                         challenge_id=challenge_id, message_ref=message_ref)
    try:
        await entry.insert()
    except DuplicateKeyError:
        updated = await update_where(
            Announcement, {"platform": entry.platform,
                           "community_external_id": community_external_id,
                           "challenge_id": challenge_id},
            {"$set": {"message_ref": message_ref}})
        assert updated is not None
        return updated
    return entry


async def of_challenge(platform: Platform | str, challenge_id: str) -> list[Announcement]:
    return await Announcement.find({"platform": parse_platform(platform),
                                    "challenge_id": challenge_id}).to_list()


async def mark_shown(platform: Platform | str, challenge_id: str, version: datetime) -> None:
    """Say that ``version`` of the challenge is about to be shown on its cards (a newer one
    already marked stays)."""
    await Announcement.find({"platform": parse_platform(platform), "challenge_id": challenge_id,
                             "$or": [{"shown_version": None},
                                     {"shown_version": {"$lt": version}}]}).update(
        {"$set": {"shown_version": version}})


async def newest_shown(platform: Platform | str, challenge_id: str) -> datetime | None:
    marked = [a.shown_version for a in await of_challenge(platform, challenge_id)
              if a.shown_version is not None]
    return max(marked) if marked else None
