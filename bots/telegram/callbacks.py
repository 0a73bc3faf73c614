"""Inline-button payloads of Telegram's own wizard (the /post preview). Every other button is
one of the core's actions (``bots.core.actions``), which keeps the wire format Telegram's
buttons have always carried (``ch:``, ``ap:``, ``mo:``, ``cv:``, ``x``). Telegram allows 64
bytes of callback data: only short words travel."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class PostCb(CallbackData, prefix="post"):
    action: str  # confirm | restart | cancel
