"""/review ID RATING TEXT."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bots.core import grammar
from bots.core.caller import Caller
from bots.core.verbs import reviews
from bots.telegram.replies import answer


async def review(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    challenge_id, rating, text = grammar.review(command.args)
    await answer(message, bot, await reviews.review(caller, challenge_id, rating, text))


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(review, Command("review"))
    return router
