"""Telegram as a ``bots.core`` chat platform: DMs, announcement cards (edited in place) and
who administers a chat, over the Bot API."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import InlineKeyboardMarkup

from bots.core.caller import Commands
from bots.core.results import Card, Place, Reply
from bots.telegram.render import card_html, keyboard, markup_of, text_of
from bots.telegram.replies import deep_link
from bots.telegram.texts import COMMANDS
from domain.models.users import Platform

log = logging.getLogger(__name__)
ADMINS = {ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR}


class TelegramPlatform:
    platform: Platform = Platform.TELEGRAM
    commands: Commands = COMMANDS
    how_to_answer: str = "Reply to this message to answer."

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def _send(self, chat_id: int | str, text: str,
                    markup: InlineKeyboardMarkup | None) -> str | None:
        try:
            sent = await self.bot.send_message(chat_id, text, reply_markup=markup)
        except (TelegramForbiddenError, TelegramBadRequest) as exc:
            log.info("cannot message telegram chat %s: %s", chat_id, exc)  # blocked us, left
            return None
        return str(sent.message_id)

    async def _card_markup(self, card: Card) -> InlineKeyboardMarkup | None:
        link = await deep_link(self.bot, card.challenge_id) if card.in_community else None
        return keyboard(card.buttons, link)

    async def send_dm(self, user_external_id: str, reply: Reply) -> str | None:
        return await self._send(user_external_id, text_of(reply), markup_of(reply))

    async def post_card(self, community_external_id: str, card: Card) -> str | None:
        return await self._send(community_external_id, card_html(card),
                                await self._card_markup(card))

    async def edit_card(self, community_external_id: str, message_ref: str,
                        card: Card) -> None:
        try:
            await self.bot.edit_message_text(
                text=card_html(card), chat_id=community_external_id,
                message_id=int(message_ref), reply_markup=await self._card_markup(card))
        except TelegramBadRequest as exc:  # unchanged, or deleted by the chat's admins
            log.debug("card %s in %s not edited: %s", message_ref, community_external_id, exc)

    async def is_chat_admin(self, place: Place, user_external_id: str) -> bool:
        member = await self.bot.get_chat_member(place.external_id, int(user_external_id))
        return member.status in ADMINS
