"""/community on|off: a chat's admin opts a group (or, from a private chat, a channel) in to
announcements of new challenges. Telegram knows who administers a chat, so the bot asks it
(getChatMember) before calling the domain, as the domain's opt_in expects."""

from __future__ import annotations

from html import escape

from aiogram import Bot, Router
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bots.telegram.texts import UsageError
from domain.deps import Deps
from domain.errors import Forbidden
from domain.models.users import Platform, User
from domain.services import communities

ADMINS = {ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR}


async def _chat(message: Message, bot: Bot, parts: list[str]) -> tuple[int | str, str]:
    """The chat meant (this group, or the channel named in a private chat) and its title."""
    if message.chat.type != "private":
        return message.chat.id, message.chat.title or str(message.chat.id)
    if len(parts) < 2:
        raise UsageError("community", "In a private chat, name the channel: "
                                      "/community on @yourchannel (add me to it as an admin "
                                      "first). In a group, send the command in the group.")
    target = parts[1]
    try:
        chat = await bot.get_chat(int(target) if target.lstrip("-").isdigit() else target)
    except (TelegramBadRequest, TelegramForbiddenError):
        raise UsageError("community", f"I cannot see {escape(target)}; add me to it "
                                      "first.") from None
    return chat.id, chat.title or str(chat.id)


async def community(message: Message, command: CommandObject, bot: Bot, deps: Deps,
                    actor: User) -> None:
    parts = (command.args or "").split()
    if not parts or parts[0].lower() not in {"on", "off"}:
        raise UsageError("community", "Say on or off.")
    chat_id, title = await _chat(message, bot, parts)
    assert message.from_user is not None
    member = await bot.get_chat_member(chat_id, message.from_user.id)
    if member.status not in ADMINS:
        raise Forbidden(f"only admins of “{title}” can change its announcements")
    if parts[0].lower() == "on":
        await communities.opt_in(deps, actor.id, Platform.TELEGRAM, str(chat_id), title)
        await message.answer(f"📣 New challenges will be announced in <b>{escape(title)}</b>.")
    else:
        await communities.opt_out(deps, actor.id, Platform.TELEGRAM, str(chat_id))
        await message.answer(f"🔕 No more announcements in <b>{escape(title)}</b>.")


def build() -> Router:
    router = Router(name=__name__)
    router.message.register(community, Command("community"))
    return router
