"""/fund ID, /release ID [N], /refund ID (each answered with a confirmation: only its button
moves money) and /submit ID N NOTE."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bots.core import grammar
from bots.core.caller import Caller
from bots.core.verbs import escrow
from bots.telegram.replies import answer


async def fund(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    challenge_id = grammar.words(command.args, "fund", 1, "The challenge ID")[0]
    await answer(message, bot, await escrow.ask_fund(caller, challenge_id))


async def release(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    challenge_id, n = grammar.release(command.args)
    await answer(message, bot, await escrow.ask_release(caller, challenge_id, n))


async def refund(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    challenge_id = grammar.words(command.args, "refund", 1, "The challenge ID")[0]
    await answer(message, bot, await escrow.ask_refund(caller, challenge_id))


async def submit(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    challenge_id, n, note = grammar.submission(command.args)
    await answer(message, bot, await escrow.submit(caller, challenge_id, n, note))


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(fund, Command("fund"))
    router.message.register(release, Command("release"))
    router.message.register(refund, Command("refund"))
    router.message.register(submit, Command("submit"))
    return router
