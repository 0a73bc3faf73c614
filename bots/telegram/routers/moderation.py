"""/ban, /unban, /remove, /reports, and /flags (in a private chat: it is about money).
Whether the sender may is decided by the domain alone."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bots.core import grammar
from bots.core.caller import Caller
from bots.core.verbs import moderation
from bots.telegram.replies import answer
from domain.models.users import Platform
from domain.services import accounts


async def _target(message: Message, command: CommandObject, caller: Caller) -> tuple[str, str]:
    """(user id, reason): replying to someone's message names them; else the first word."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        person = replied.from_user
        user = await accounts.platform_user(caller.deps, Platform.TELEGRAM, str(person.id),
                                            person.full_name, person.username)
        return user.id, (command.args or "").strip()
    parts = (command.args or "").split()
    return (parts[0] if parts else ""), grammar.rest_after(command.args, 1)


async def ban(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    user_id, reason = await _target(message, command, caller)
    await answer(message, bot, await moderation.ban(caller, user_id, reason))


async def unban(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    user_id, _ = await _target(message, command, caller)
    await answer(message, bot, await moderation.unban(caller, user_id))


async def remove(message: Message, command: CommandObject, caller: Caller, bot: Bot) -> None:
    parts = (command.args or "").split()
    await answer(message, bot, await moderation.remove(
        caller, parts[0] if parts else "", grammar.rest_after(command.args, 1)))


async def reports(message: Message, caller: Caller, bot: Bot) -> None:
    await answer(message, bot, await moderation.reports(caller))


async def flags(message: Message, caller: Caller, bot: Bot) -> None:
    await answer(message, bot, await moderation.money_flags(caller))


def build() -> Router:
    router = Router(name=__name__)
    router.message.register(ban, Command("ban"))
    router.message.register(unban, Command("unban"))
    router.message.register(remove, Command("remove"))
    router.message.register(reports, Command("reports"))
    router.message.register(flags, Command("flags"), F.chat.type == "private")
    return router
