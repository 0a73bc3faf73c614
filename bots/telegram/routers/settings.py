"""/settings [CHANNEL] [KIND] on|off: which notifications reach this person where;
/alerts on|off: whether they are told of new challenges that match them."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bots.core.caller import Caller
from bots.core.verbs import for_me, settings
from bots.telegram.replies import answer


async def change(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    await answer(message, bot, await settings.settings(caller, *settings.read(command.args)))


async def alerts(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    await answer(message, bot, await for_me.alerts(caller, for_me.read_switch(command.args)))


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(change, Command("settings"))
    router.message.register(alerts, Command("alerts"))
    return router
