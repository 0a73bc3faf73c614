"""Opting a community (group, channel) in to announcements of new challenges, or out. The
platform answers whether the caller administers it; the domain decides what that allows."""

from __future__ import annotations

from bots.core.caller import Caller
from bots.core.platform import ChatPlatform
from bots.core.results import Place, Reply
from bots.core.rich import bold, rich
from domain.services import communities


async def announcements(caller: Caller, platform: ChatPlatform, place: Place, *,
                        on: bool) -> Reply:
    chat_admin = await platform.is_chat_admin(place, caller.external_id)
    await communities.set_announcements(caller.deps, caller.user.id, caller.platform,
                                        place.external_id, place.title, on=on,
                                        chat_admin=chat_admin)
    if on:
        return Reply(rich("📣 New challenges will be announced in ", bold(place.title), "."))
    return Reply(rich("🔕 No more announcements in ", bold(place.title), "."))
