"""Every button the core made (``bots.core.actions``): the press is done by the core, and a
press that needs words first (apply, message, reply) asks for them as the next message."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bots.core.actions import Action
from bots.core.caller import Caller
from bots.core.press import press
from bots.core.verbs import applying
from bots.telegram.replies import answer_press
from bots.telegram.routers.applications import ask_proposal
from bots.telegram.states import ChatForm

CHAT_PROMPT = ("Write your message; it goes to the same conversation the web app shows. "
               "/cancel stops.")
REPLY_PROMPT = "Write your reply. /cancel stops."


def core_action(query: CallbackQuery) -> dict[str, Any] | bool:
    """Filter: the button carries one of the core's actions (handed on as ``action``)."""
    action = Action.unpack(query.data or "")
    return {"action": action} if action is not None else False


async def pressed(query: CallbackQuery, action: Action, state: FSMContext, caller: Caller,
                  bot: Bot) -> None:
    if not action.needs_input:
        in_community = isinstance(query.message, Message) and query.message.chat.type != "private"
        await answer_press(query, bot, await press(caller, action, in_community=in_community))
        return
    assert isinstance(query.message, Message)
    if action.verb == "apply":
        await query.answer()
        await ask_proposal(query.message, state, caller, action.target)
        return
    if action.verb == "chat":
        conversation_id, prompt = await applying.open_chat(caller, action.target), CHAT_PROMPT
    else:
        conversation_id, prompt = action.target, REPLY_PROMPT
    await state.set_state(ChatForm.body)
    await state.update_data(conversation_id=conversation_id)
    await query.answer()
    await query.message.answer(prompt)


def build() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(pressed, core_action)
    return router
