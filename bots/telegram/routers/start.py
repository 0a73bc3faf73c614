"""/start (also with a deep link from a group card), /help, /link [CODE], /cancel."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bots.core.caller import Caller
from bots.core.results import Reply
from bots.core.rich import rich
from bots.core.verbs import account, browse
from bots.telegram.render import text_of
from bots.telegram.replies import DEEP_LINK_CHALLENGE, answer
from bots.telegram.texts import help_text


async def start(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    payload = command.args or ""
    if payload.startswith(DEEP_LINK_CHALLENGE):
        await answer(message, bot, await browse.show(caller, payload[len(DEEP_LINK_CHALLENGE):]))
        return
    await message.answer(text_of(account.greet(caller)) + "\n\n" + help_text())


async def show_help(message: Message) -> None:
    await message.answer(help_text())


async def link(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    await answer(message, bot, await account.link(caller, command.args or ""))


async def cancel(message: Message, state: FSMContext, bot: Bot) -> None:
    await state.clear()
    await answer(message, bot, Reply(rich("Stopped. Nothing more will be asked.")))


def build() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart(), F.chat.type == "private")
    router.message.register(show_help, Command("help"))
    router.message.register(link, Command("link"), F.chat.type == "private")
    router.message.register(cancel, Command("cancel"), F.chat.type == "private")
    return router
