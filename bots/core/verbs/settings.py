"""Notification settings from a chat: which kinds reach which channel (this chat platform,
email, the web). The domain validates and stores them (``notification_preferences``)."""

from __future__ import annotations

from bots.core.caller import Caller
from bots.core.grammar import UsageError
from bots.core.results import Reply
from bots.core.rich import bold, code, lines, rich
from domain.services import notification_preferences
from domain.services.notification_preferences import CHANNELS, KINDS, MESSAGE

ALL = "all"
ALIASES = {"messages": MESSAGE, "chat": MESSAGE}


def read(text: str | None) -> tuple[str | None, str | None, bool | None]:
    """``[CHANNEL] [KIND|messages|all] on|off`` -> (channel, kind, on); nothing: show."""
    words = (text or "").lower().split()
    if not words:
        return None, None, None
    if words[-1] not in ("on", "off"):
        raise UsageError("settings", "End with on or off.")
    on, words = words[-1] == "on", words[:-1]
    channel = words.pop(0) if words and words[0] in CHANNELS else None
    kind = ALIASES.get(words[0], words[0]) if words else ALL
    if len(words) > 1 or (kind != ALL and kind not in KINDS):
        raise UsageError("settings", f"Kinds are messages, all, or one of: "
                                     f"{', '.join(k for k in KINDS if k != MESSAGE)}.")
    return channel, kind, on


async def settings(caller: Caller, channel: str | None = None, kind: str | None = None,
                   on: bool | None = None) -> Reply:
    """Without ``on``: what reaches this chat and email. With it: change ``kind`` (or every
    kind) on ``channel`` (default: this chat platform)."""
    if on is not None:
        where = channel or caller.platform.value
        kinds = KINDS if kind in (None, ALL) else (kind,)
        matrix = await notification_preferences.update_preferences(
            caller.user.id, {k: {where: on} for k in kinds})
    else:
        matrix = await notification_preferences.preferences(caller.user.id)
    here = caller.platform.value
    rows = [rich(f"• {kind}: ", bold("on" if choices[here] else "off"), f" here, "
                 f"{'on' if choices['email'] else 'off'} by email")
            for kind, choices in matrix.items()]
    return Reply(lines(bold("Notifications"), *rows,
                       rich("\nChange with ", code(caller.command("settings")), ".")))
