"""One place that turns a refused command into a helpful reply: domain errors keep their own
words, with a hint and the usage line of the command that was tried."""

from __future__ import annotations

from html import escape, unescape

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bots.telegram.texts import USAGE, UsageError
from domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    GatewayFailed,
    NotFound,
    Unauthorized,
    ValidationFailed,
)


def command_of(text: str | None) -> str | None:
    if not text or not text.startswith("/"):
        return None
    return text.split(maxsplit=1)[0][1:].split("@", 1)[0].lower() or None


def explain(exc: Exception, command: str | None) -> str:
    usage = f"\nUsage: {USAGE[command]}" if command in USAGE else ""
    if isinstance(exc, UsageError):
        return f"⚠️ {exc.problem}{usage}"
    assert isinstance(exc, DomainError)
    # Domain messages can quote what people typed; the reply is parsed as HTML.
    said = escape(exc.message)
    if isinstance(exc, NotFound):
        return f"🔎 {said}. Check the ID: /challenges lists open challenges, /my lists yours."
    if isinstance(exc, Forbidden | Unauthorized):
        return f"⛔ {said}."
    if isinstance(exc, ValidationFailed):
        return f"⚠️ {said}{usage}"
    if isinstance(exc, Conflict):
        return f"⏳ {said}."
    if isinstance(exc, GatewayFailed):
        return f"💳 {said}. Nothing was charged or paid; try again later."
    return f"⚠️ {said}"


async def reply_with_explanation(event: ErrorEvent) -> bool:
    update = event.update
    if update.callback_query is not None:
        query = update.callback_query
        # An alert is plain text, not HTML.
        await query.answer(unescape(explain(event.exception, None))[:200], show_alert=True)
    elif update.message is not None:
        message = update.message
        await message.answer(explain(event.exception, command_of(message.text)))
    return True


def build() -> Router:
    router = Router(name=__name__)
    router.errors.register(reply_with_explanation, ExceptionTypeFilter(DomainError, UsageError))
    return router
