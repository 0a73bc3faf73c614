"""/challenges [words] and /challenge ID, plus the "view" button under list entries."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bots.telegram.args import words
from bots.telegram.callbacks import ChallengeCb
from bots.telegram.render import challenge_buttons, challenge_card, challenge_summary
from bots.telegram.routers.start import DEEP_LINK_CHALLENGE
from domain.models.users import User
from domain.services import challenges

PAGE = 10


async def list_open(message: Message, command: CommandObject) -> None:
    query = (command.args or "").strip()
    items, more = await challenges.list_challenges({"q": query, "limit": PAGE} if query
                                                   else {"limit": PAGE})
    if not items:
        await message.answer("No open challenges match. Try other words, or /post one.")
        return
    heading = f"Open challenges matching “{query}”" if query else "Open challenges"
    lines = [f"<b>{heading}</b>"] + [f"{i}. {challenge_summary(c)}"
                                     for i, c in enumerate(items, start=1)]
    if more:
        lines.append(f"\nShowing the newest {PAGE}; add words to narrow it down.")
    buttons = [InlineKeyboardButton(text=str(i), callback_data=ChallengeCb(
        action="view", challenge_id=c.id).pack()) for i, c in enumerate(items, start=1)]
    keyboard = InlineKeyboardMarkup(inline_keyboard=[buttons[:5], buttons[5:]] if buttons[5:]
                                    else [buttons])
    await message.answer("\n".join(lines), reply_markup=keyboard)


async def deep_link(bot: Bot, challenge_id: str) -> str:
    me = await bot.me()
    return f"https://t.me/{me.username}?start={DEEP_LINK_CHALLENGE}{challenge_id}"


async def show(message: Message, command: CommandObject, actor: User, bot: Bot) -> None:
    challenge_id = words(command, "challenge", 1, "The challenge ID")[0]
    challenge = await challenges.get_challenge(challenge_id, actor)
    link = None if message.chat.type == "private" else await deep_link(bot, challenge.id)
    await message.answer(challenge_card(challenge), reply_markup=challenge_buttons(challenge, link))


async def view(query: CallbackQuery, callback_data: ChallengeCb, actor: User, bot: Bot) -> None:
    assert isinstance(query.message, Message)
    challenge = await challenges.get_challenge(callback_data.challenge_id, actor)
    link = None if query.message.chat.type == "private" else await deep_link(bot, challenge.id)
    await query.answer()
    await query.message.answer(challenge_card(challenge),
                               reply_markup=challenge_buttons(challenge, link))


def build() -> Router:
    router = Router(name=__name__)
    router.message.register(list_open, Command("challenges"))
    router.message.register(show, Command("challenge"))
    router.callback_query.register(view, ChallengeCb.filter(F.action == "view"))
    return router
