"""/my: what the person posted, what they solve, where they applied; /matches ID: who
would fit one they posted; /mymatches: the open challenges that fit them."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bots.core import grammar
from bots.core.caller import Caller
from bots.core.verbs import browse, for_me, matches
from bots.telegram.replies import answer


async def my(message: Message, caller: Caller, bot: Bot) -> None:
    await answer(message, bot, await browse.my(caller))


async def solver_matches(message: Message, command: CommandObject, caller: Caller,
                         bot: Bot) -> None:
    challenge_id = grammar.words(command.args, "matches", 1, "The challenge ID")[0]
    await answer(message, bot, await matches.solvers(caller, challenge_id))


async def my_matches(message: Message, caller: Caller, bot: Bot) -> None:
    await answer(message, bot, await for_me.matches(caller))


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(my, Command("my"))
    router.message.register(solver_matches, Command("matches"))
    router.message.register(my_matches, Command("mymatches"))
    return router
