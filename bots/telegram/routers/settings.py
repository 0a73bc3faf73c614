"""/settings [CHANNEL] [KIND] on|off: which notifications reach this person where."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bots.core.caller import Caller
from bots.core.verbs import settings
from bots.telegram.replies import answer


async def change(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    await answer(message, bot, await settings.settings(caller, *settings.read(command.args)))


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(change, Command("settings"))
    return router
