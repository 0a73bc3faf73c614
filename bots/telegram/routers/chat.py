"""Chat from Telegram into the same conversation the web app shows: a swipe-reply to a
message DM, or the Reply button and then a message. Each ends in the core's chat.send."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bots.core.actions import REPLY, Action
from bots.core.caller import Caller
from bots.core.verbs import chat
from bots.telegram.replies import answer
from bots.telegram.states import ChatForm


def replied_conversation(message: Message) -> dict[str, Any] | bool:
    """Filter: the message answers a DM of ours that carries a Reply button; its conversation
    travels in that button, so no table of sent DMs is needed."""
    replied = message.reply_to_message
    markup = replied.reply_markup if replied is not None else None
    if markup is None:
        return False
    for row in markup.inline_keyboard:
        for button in row:
            action = Action.unpack(button.callback_data or "")
            if action is not None and action.verb == REPLY:
                return {"conversation_id": action.target}
    return False


def client_id(message: Message) -> str:
    # Telegram may deliver an update twice; the same id makes the second send a no-op.
    return f"tg:{message.chat.id}:{message.message_id}"


async def send_reply(message: Message, conversation_id: str, caller: Caller, bot: Bot) -> None:
    await answer(message, bot, await chat.send(caller, conversation_id, message.text or "",
                                               client_id(message)))


async def body_received(message: Message, state: FSMContext, caller: Caller, bot: Bot) -> None:
    conversation_id = (await state.get_data())["conversation_id"]
    await state.clear()
    await send_reply(message, conversation_id, caller, bot)


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(send_reply, F.text, ~F.text.startswith("/"), replied_conversation)
    router.message.register(body_received, StateFilter(ChatForm.body), F.text,
                            ~F.text.startswith("/"))
    return router
