"""/start (also with a deep link from a group card), /help, /link CODE, /cancel."""

from __future__ import annotations

from html import escape

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bots.telegram.render import challenge_buttons, challenge_card
from bots.telegram.texts import UsageError, help_text
from domain.deps import Deps
from domain.models.users import Platform, User
from domain.services import accounts, challenges

DEEP_LINK_CHALLENGE = "c_"


async def start(message: Message, command: CommandObject, actor: User) -> None:
    payload = command.args or ""
    if payload.startswith(DEEP_LINK_CHALLENGE):
        challenge = await challenges.get_challenge(payload[len(DEEP_LINK_CHALLENGE):], actor)
        await message.answer(challenge_card(challenge), reply_markup=challenge_buttons(challenge))
        return
    await message.answer(f"Hello, {escape(actor.display_name)}! You have an OpenChance account "
                         "tied to this Telegram account. Already have a web account? "
                         "Use /link CODE.\n\n"
                         + help_text())


async def show_help(message: Message) -> None:
    await message.answer(help_text())


async def link(message: Message, command: CommandObject, deps: Deps) -> None:
    code = (command.args or "").strip()
    if not code:
        raise UsageError("link", "The code is missing.")
    assert message.from_user is not None
    user = await accounts.redeem_link_code(deps, Platform.TELEGRAM, str(message.from_user.id),
                                           code)
    await message.answer(f"🔗 Linked. This Telegram account now acts as "
                         f"<b>{escape(user.display_name)}</b>.")


async def cancel(message: Message, state: FSMContext) -> None:
    await state.clear()
    await message.answer("Stopped. Nothing more will be asked.")


def build() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart(), F.chat.type == "private")
    router.message.register(show_help, Command("help"))
    router.message.register(link, Command("link"), F.chat.type == "private")
    router.message.register(cancel, Command("cancel"), F.chat.type == "private")
    return router
