"""Chat app installs (the OAuth flow's results) and the flow's one-time states. The platform
adapter turns its SDK's objects into ``data`` and back; this module only keeps them."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from pymongo.errors import DuplicateKeyError

from domain.models.common import utcnow
from domain.models.installations import OAuthState, PlatformInstallation
from domain.models.users import Platform
from domain.services.common import parse_platform, update_where


def _key(platform: Platform | str, enterprise_id: str | None, team_id: str | None,
         user_id: str | None) -> dict[str, Any]:
    return {"platform": parse_platform(platform), "enterprise_id": enterprise_id or "",
            "team_id": team_id or "", "user_id": user_id or ""}


async def save(platform: Platform | str, enterprise_id: str | None, team_id: str | None,
               user_id: str | None, data: dict[str, Any]) -> None:
    """Insert or replace the install under its key (a reinstall replaces the tokens)."""
    key = _key(platform, enterprise_id, team_id, user_id)
    updated = await update_where(PlatformInstallation, key,
                                 {"$set": {"data": data, "installed_at": utcnow()}})
    if updated is None:
        try:
            await PlatformInstallation(**key, data=data).insert()
        except DuplicateKeyError:  # two callbacks raced; the later one wins
            await update_where(PlatformInstallation, key, {"$set": {"data": data}})


async def find(platform: Platform | str, enterprise_id: str | None, team_id: str | None,
               user_id: str | None = None) -> dict[str, Any] | None:
    found = await PlatformInstallation.find_one(_key(platform, enterprise_id, team_id,
                                                     user_id))
    return found.data if found is not None else None


async def delete(platform: Platform | str, enterprise_id: str | None, team_id: str | None,
                 user_id: str | None = None) -> None:
    """One person's install, or (``user_id`` None) every install of the workspace."""
    query = _key(platform, enterprise_id, team_id, user_id)
    if user_id is None:
        del query["user_id"]
    await PlatformInstallation.find(query).delete()


async def issue_state(platform: Platform | str, ttl: timedelta) -> str:
    state = secrets.token_urlsafe(24)
    await OAuthState(id=state, platform=parse_platform(platform),
                     expires_at=utcnow() + ttl).insert()
    return state


async def consume_state(platform: Platform | str, state: str) -> bool:
    """True once for a state issued here and not expired; it is gone afterwards."""
    found = await OAuthState.get(state) if state else None
    if found is None or found.platform != parse_platform(platform):
        return False
    await found.delete()
    return found.expires_at > utcnow()
