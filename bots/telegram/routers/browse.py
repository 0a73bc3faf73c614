"""/challenges [words] and /challenge ID."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bots.core import grammar
from bots.core.caller import Caller
from bots.core.verbs import browse
from bots.telegram.replies import answer


async def list_open(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    await answer(message, bot, await browse.list_open(caller, command.args or ""))


async def show(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    challenge_id = grammar.words(command.args, "challenge", 1, "The challenge ID")[0]
    await answer(message, bot, await browse.show(caller, challenge_id,
                                                 in_community=message.chat.type != "private"))


def build() -> Router:
    router = Router(name=__name__)
    router.message.register(list_open, Command("challenges"))
    router.message.register(show, Command("challenge"))
    return router
