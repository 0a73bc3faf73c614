"""/my: what the person posted, what they solve, where they applied."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bots.core.caller import Caller
from bots.core.verbs import browse
from bots.telegram.replies import answer


async def my(message: Message, caller: Caller, bot: Bot) -> None:
    await answer(message, bot, await browse.my(caller))


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(my, Command("my"))
    return router
