"""Sending the core's answers: to a command (new messages) or to a button press (a toast,
then the pressed message edited in place or new messages, as each answer asks)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, Message

from bots.core.results import Result, as_replies
from bots.telegram.render import markup_of, text_of

DEEP_LINK_CHALLENGE = "c_"


async def deep_link(bot: Bot, challenge_id: str) -> str:
    """Opens the private chat with the bot on that challenge (``/start c_ID``)."""
    me = await bot.me()
    return f"https://t.me/{me.username}?start={DEEP_LINK_CHALLENGE}{challenge_id}"


async def _link_for(message: Message, bot: Bot, results: list[Result]) -> str | None:
    cards = [r.card for r in as_replies(results) if r.card is not None]
    if message.chat.type == "private" or not cards:
        return None
    return await deep_link(bot, cards[0].challenge_id)


async def answer(message: Message, bot: Bot, results: Result | Sequence[Result]) -> None:
    items = [results] if isinstance(results, Result) else list(results)
    link = await _link_for(message, bot, items)
    for reply in as_replies(items):
        await message.answer(text_of(reply), reply_markup=markup_of(reply, link))


async def answer_press(query: CallbackQuery, bot: Bot,
                       results: Result | Sequence[Result]) -> None:
    items = [results] if isinstance(results, Result) else list(results)
    replies = as_replies(items)
    await query.answer(next((r.notice for r in replies if r.notice), None))
    message = query.message
    if not isinstance(message, Message):  # too old for Telegram to hand back: nothing to edit
        return
    link = await _link_for(message, bot, items)
    for reply in replies:
        if reply.replaces:
            await _edit(message, text_of(reply), markup_of(reply, link))
        else:
            await message.answer(text_of(reply), reply_markup=markup_of(reply, link))


async def _edit(message: Message, text: str, markup: Any) -> None:
    """A repeated tap of a money button is the same decision and answers its first result,
    which the message may already show: Telegram refuses that edit as "not modified"."""
    try:
        await message.edit_text(text, reply_markup=markup)
    except TelegramBadRequest as exc:
        if "not modified" not in str(exc):
            raise
