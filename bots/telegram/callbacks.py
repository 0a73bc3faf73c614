"""Inline-button payloads. Telegram allows 64 bytes of callback data: prefixes are short and
only ids and small numbers travel; everything else is read again from the domain on a press."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class ChallengeCb(CallbackData, prefix="ch"):
    """``view`` shows a challenge, ``apps`` lists its applications, ``apply`` starts applying."""

    action: str
    challenge_id: str


class ApplicationCb(CallbackData, prefix="ap"):
    """``accept`` / ``reject`` decide; ``chat`` opens the conversation about the application."""

    action: str
    application_id: str


class MoneyCb(CallbackData, prefix="mo"):
    """A money step. ``go`` False asks for confirmation; True (the confirm button) does it."""

    step: str  # fund | release | refund
    challenge_id: str
    n: int = 0
    go: bool = False


class ConversationCb(CallbackData, prefix="cv"):
    """Reply into a conversation; also what a swipe-reply to a DM is traced back through."""

    conversation_id: str


class PostCb(CallbackData, prefix="post"):
    action: str  # confirm | restart | cancel


class CancelCb(CallbackData, prefix="x"):
    pass
