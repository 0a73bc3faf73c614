"""Refused commands and presses become helpful replies: the core's explanation, in HTML,
with the usage line of the command that was tried when that helps."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bots.core.errors import EXPLAINED, explain
from bots.telegram.texts import COMMANDS, USAGE


def command_of(text: str | None) -> str | None:
    if not text or not text.startswith("/"):
        return None
    return text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower() or None


def explained(exc: BaseException, command: str | None) -> str:
    """Plain text (no markup): escape it for an HTML message."""
    explanation = explain(exc, COMMANDS)
    usage = (f"\nUsage: {USAGE[command]}" if explanation.with_usage and command in USAGE
             else "")
    return explanation.text + usage


async def reply_with_explanation(event: ErrorEvent) -> bool:
    update = event.update
    if update.callback_query is not None:
        # An alert is plain text, capped at 200 characters.
        await update.callback_query.answer(explained(event.exception, None)[:200],
                                           show_alert=True)
    elif update.message is not None:
        message = update.message
        await message.answer(escape(explained(event.exception, command_of(message.text)),
                                    quote=False))
    return True


def build() -> Router:
    router = Router(name=__name__)
    router.errors.register(reply_with_explanation, ExceptionTypeFilter(*EXPLAINED))
    return router
