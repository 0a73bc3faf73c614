"""Chat from Telegram into the same conversation the web app shows: a swipe-reply to a
message DM, or the Reply button and then a message. Each ends in conversations.send_message."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bots.telegram.callbacks import ConversationCb
from bots.telegram.states import ChatForm
from domain.deps import Deps
from domain.models.users import User
from domain.services import conversations


def replied_conversation(message: Message) -> dict[str, Any] | bool:
    """Filter: the message answers a DM of ours that carries a Reply button; its conversation
    travels in that button, so no table of sent DMs is needed."""
    replied = message.reply_to_message
    markup = replied.reply_markup if replied is not None else None
    if markup is None:
        return False
    for row in markup.inline_keyboard:
        for button in row:
            data = button.callback_data or ""
            if data.startswith(ConversationCb.__prefix__ + ":"):
                return {"conversation_id": ConversationCb.unpack(data).conversation_id}
    return False


def client_id(message: Message) -> str:
    # Telegram may deliver an update twice; the same id makes the second send a no-op.
    return f"tg:{message.chat.id}:{message.message_id}"


async def send_reply(message: Message, conversation_id: str, deps: Deps, actor: User) -> None:
    await conversations.send_message(deps, actor.id, {
        "conversation_id": conversation_id, "body": message.text or "",
        "client_id": client_id(message)})
    await message.answer("✓ Sent.")


async def reply_button(query: CallbackQuery, callback_data: ConversationCb,
                       state: FSMContext) -> None:
    assert isinstance(query.message, Message)
    await state.set_state(ChatForm.body)
    await state.update_data(conversation_id=callback_data.conversation_id)
    await query.answer()
    await query.message.answer("Write your reply. /cancel stops.")


async def body_received(message: Message, state: FSMContext, deps: Deps, actor: User) -> None:
    conversation_id = (await state.get_data())["conversation_id"]
    await state.clear()
    await send_reply(message, conversation_id, deps, actor)


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(send_reply, F.text, ~F.text.startswith("/"), replied_conversation)
    router.message.register(body_received, StateFilter(ChatForm.body), F.text,
                            ~F.text.startswith("/"))
    router.callback_query.register(reply_button, ConversationCb.filter())
    return router
