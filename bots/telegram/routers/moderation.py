"""/ban, /unban, /remove, /reports. Whether the sender may is decided by the domain alone."""

from __future__ import annotations

from html import escape

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bots.telegram.args import rest_after
from bots.telegram.texts import UsageError
from domain.deps import Deps
from domain.models.users import Platform, User
from domain.services import accounts, moderation


async def _target(message: Message, command: CommandObject, deps: Deps,
                  name: str) -> tuple[str, str]:
    """(user id, reason): replying to someone's message names them; else the first word."""
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        person = replied.from_user
        user = await accounts.platform_user(deps, Platform.TELEGRAM, str(person.id),
                                            person.full_name, person.username)
        return user.id, (command.args or "").strip()
    parts = (command.args or "").split()
    if not parts:
        raise UsageError(name, "Name the user: their user ID, or reply to their message.")
    return parts[0], rest_after(command, 1)


async def ban(message: Message, command: CommandObject, deps: Deps, actor: User) -> None:
    user_id, reason = await _target(message, command, deps, "ban")
    banned = await moderation.ban(deps, actor.id, user_id, {"reason": reason} if reason else {})
    await message.answer(f"🚫 {escape(banned.display_name)} is banned "
                         f"({escape(banned.ban_reason or '')}).")


async def unban(message: Message, command: CommandObject, deps: Deps, actor: User) -> None:
    user_id, _ = await _target(message, command, deps, "unban")
    unbanned = await moderation.unban(deps, actor.id, user_id)
    await message.answer(f"✅ {escape(unbanned.display_name)} may act again.")


async def remove(message: Message, command: CommandObject, deps: Deps, actor: User) -> None:
    parts = (command.args or "").split()
    if not parts:
        raise UsageError("remove", "The challenge ID is missing.")
    reason = rest_after(command, 1) or "removed by a moderator"
    removed = await moderation.remove_challenge(deps, actor.id, parts[0], reason)
    await message.answer(f"⛔ “{escape(removed.title)}” was removed.")


async def reports(message: Message, actor: User) -> None:
    found = await moderation.list_reports(actor.id)
    if not found:
        await message.answer("No open reports.")
        return
    lines = [f"• {r.target_type} <code>{escape(r.target_id)}</code>: {escape(r.reason[:200])}"
             f" (report <code>{r.id}</code>)" for r in found[:20]]
    await message.answer(f"<b>Open reports ({len(found)})</b>\n" + "\n".join(lines))


def build() -> Router:
    router = Router(name=__name__)
    router.message.register(ban, Command("ban"))
    router.message.register(unban, Command("unban"))
    router.message.register(remove, Command("remove"))
    router.message.register(reports, Command("reports"))
    return router
