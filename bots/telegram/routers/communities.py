"""/community on|off: a chat's admin opts a group (or, from a private chat, a channel) in to
announcements of new challenges. Telegram answers who administers the chat
(``TelegramPlatform.is_chat_admin``); the domain decides what that allows."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bots.core.caller import Caller
from bots.core.grammar import UsageError
from bots.core.results import Place
from bots.core.verbs import communities
from bots.telegram.platform import TelegramPlatform
from bots.telegram.replies import answer


async def _place(message: Message, bot: Bot, parts: list[str]) -> Place:
    """The chat meant: this group, or the channel named in a private chat."""
    if message.chat.type != "private":
        return Place(str(message.chat.id), message.chat.title or str(message.chat.id), False)
    if len(parts) < 2:
        raise UsageError("community", "In a private chat, name the channel: "
                                      "/community on @yourchannel (add me to it as an admin "
                                      "first). In a group, send the command in the group.")
    target = parts[1]
    try:
        chat = await bot.get_chat(int(target) if target.lstrip("-").isdigit() else target)
    except (TelegramBadRequest, TelegramForbiddenError):
        raise UsageError("community", f"I cannot see {target}; add me to it first.") from None
    return Place(str(chat.id), chat.title or str(chat.id), False)


async def community(message: Message, command: CommandObject, bot: Bot,
                    caller: Caller) -> None:
    parts = (command.args or "").split()
    if not parts or parts[0].lower() not in {"on", "off"}:
        raise UsageError("community", "Say on or off.")
    place = await _place(message, bot, parts)
    await answer(message, bot, await communities.announcements(
        caller, TelegramPlatform(bot), place, on=parts[0].lower() == "on"))


def build() -> Router:
    router = Router(name=__name__)
    router.message.register(community, Command("community"))
    return router
