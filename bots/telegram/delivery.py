"""What reaches Telegram without being asked: DMs for notifications and chat messages, and the
announcement cards in opted-in communities (edited in place when a challenge changes).

``Delivery.handle`` is the consumer of the durable event log's ``telegram`` group: it sees
every event once and in order, also those published while the bot was down, and may see one
again after a crash, so each DM is guarded by a delivery receipt and each card by its
announcement record."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from html import escape
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bots.telegram.callbacks import ChallengeCb, ConversationCb, MoneyCb
from bots.telegram.render import challenge_buttons, challenge_card
from bots.telegram.routers.applications import decision_buttons
from bots.telegram.routers.browse import deep_link
from domain.errors import NotFound
from domain.events import (
    ChallengePosted,
    ChallengeUpdated,
    Event,
    MessageSent,
    NotificationCreated,
)
from domain.models.challenges import ChallengeState
from domain.models.users import Platform
from domain.services import (
    accounts,
    announcements,
    applications,
    conversations,
    notifications,
    receipts,
)

log = logging.getLogger(__name__)


async def telegram_chats(user_id: str) -> list[int]:
    return [int(i.external_id) for i in await accounts.identities_of(user_id)
            if i.platform == Platform.TELEGRAM]


def _view_button(challenge_id: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text="View challenge", callback_data=ChallengeCb(
        action="view", challenge_id=challenge_id).pack())]


async def notification_dm(user_id: str, notification_id: str
                          ) -> tuple[str, InlineKeyboardMarkup | None]:
    """The DM for one notification, with the buttons that act on it."""
    note = await notifications.notification_for(user_id, notification_id)
    text, rows = f"🔔 {escape(note.text)}", []
    challenge_id = note.data.get("challenge_id")
    if note.kind == "application.received":
        found = [a for a in await applications.list_applications(user_id, challenge_id)
                 if a.id == note.data.get("application_id")]
        if found:
            text += f"\n\n“{escape(found[0].proposal[:1500])}”"
            rows += decision_buttons(found[0])
    elif note.kind == "milestone.submitted":
        n = int(note.data.get("milestone", 1))
        rows.append([InlineKeyboardButton(
            text=f"Release milestone {n}…", callback_data=MoneyCb(
                step="release", challenge_id=challenge_id, n=n).pack())])
    elif note.kind == "escrow.funded":
        text += (f"\nThe solver hands work in with /submit {challenge_id} N NOTE; the "
                 f"challenger pays each milestone with /release {challenge_id} N.")
    elif note.kind == "application.accepted":
        text += "\nYou will hear from me when the escrow is funded."
    if challenge_id:
        rows.append(_view_button(challenge_id))
    return text, InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


async def message_dm(recipient_id: str, event: MessageSent) -> str:
    found = await conversations.history(recipient_id, event.conversation_id,
                                        after_seq=event.seq - 1, limit=1)
    sender, _ = await accounts.public_profile(event.sender_id)
    body = found[0].body if found else ""
    return (f"💬 <b>{escape(sender.display_name)}</b>: {escape(body)}\n\n"
            "<i>Reply to this message to answer.</i>")


class Delivery:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        # Edits of one challenge's cards run one at a time, each reading the newest state, so
        # a slow older edit can never overwrite a newer card.
        self._card_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def handle(self, event: Event, key: str) -> None:
        if isinstance(event, NotificationCreated):
            await self.notify(event)
        elif isinstance(event, MessageSent):
            await self.relay_message(event)
        elif isinstance(event, ChallengePosted):
            await self.announce(event.challenge_id)
        elif isinstance(event, ChallengeUpdated):
            await self.refresh_cards(event.challenge_id)

    async def _send(self, chat_id: int | str, text: str,
                    markup: InlineKeyboardMarkup | None = None) -> int | None:
        try:
            sent = await self.bot.send_message(chat_id, text, reply_markup=markup)
        except (TelegramForbiddenError, TelegramBadRequest) as exc:
            log.info("cannot message telegram chat %s: %s", chat_id, exc)  # blocked us, left
            return None
        return sent.message_id

    async def _send_once(self, receipt: str, chat_id: int, text: str,
                         markup: InlineKeyboardMarkup | None = None) -> None:
        if await receipts.delivered(receipt):
            return
        await self._send(chat_id, text, markup)
        await receipts.mark_delivered(receipt)

    async def notify(self, event: NotificationCreated) -> None:
        chats = await telegram_chats(event.user_id)
        if not chats:
            return
        try:
            text, markup = await notification_dm(event.user_id, event.notification_id)
        except NotFound:
            return  # deleted since (the account went away)
        for chat_id in chats:
            await self._send_once(f"telegram:dm:{event.notification_id}:{chat_id}", chat_id,
                                  text, markup)

    async def relay_message(self, event: MessageSent) -> None:
        reply = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
            text="↩️ Reply", callback_data=ConversationCb(
                conversation_id=event.conversation_id).pack())]])
        for user_id in event.participant_ids:
            if user_id == event.sender_id:
                continue
            chats = await telegram_chats(user_id)
            if chats:
                text = await message_dm(user_id, event)
                for chat_id in chats:
                    await self._send_once(f"telegram:msg:{event.message_id}:{chat_id}",
                                          chat_id, text, reply)

    async def announce(self, challenge_id: str) -> None:
        async with self._card_locks[challenge_id]:
            challenge, audience = await announcements.audiences(Platform.TELEGRAM, challenge_id)
            posted = {a.community_external_id
                      for a in await announcements.of_challenge(Platform.TELEGRAM, challenge_id)}
            audience = [c for c in audience if c.external_id not in posted]
            if not audience:
                return
            markup = challenge_buttons(challenge, await deep_link(self.bot, challenge.id))
            for community in audience:
                message_id = await self._send(community.external_id, challenge_card(challenge),
                                              markup)
                if message_id is not None:
                    await announcements.record(Platform.TELEGRAM, community.external_id,
                                               challenge.id, str(message_id))

    async def refresh_cards(self, challenge_id: str) -> None:
        async with self._card_locks[challenge_id]:
            posted = await announcements.of_challenge(Platform.TELEGRAM, challenge_id)
            if not posted:
                return
            try:
                challenge, _ = await announcements.audiences(Platform.TELEGRAM, challenge_id)
            except NotFound:
                challenge = None
            if challenge is None or challenge.state == ChallengeState.REMOVED:
                text, markup = "⛔ This challenge was removed by a moderator.", None
            else:
                text = challenge_card(challenge)
                markup = challenge_buttons(challenge, await deep_link(self.bot, challenge.id))
            for card in posted:
                try:
                    await self.bot.edit_message_text(
                        text=text, chat_id=card.community_external_id,
                        message_id=int(card.message_ref), reply_markup=markup)
                except TelegramBadRequest as exc:  # unchanged, or deleted by the chat's admins
                    log.debug("card %s not edited: %s", card.id, exc)


def handler(bot: Bot) -> Any:
    return Delivery(bot).handle
