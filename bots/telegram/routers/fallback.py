"""Last router: what nothing else took gets a helpful answer instead of silence."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bots.telegram.errors import command_of
from bots.telegram.texts import PRIVATE_ONLY


async def private_only(message: Message, bot: Bot) -> None:
    me = await bot.me()
    await message.reply(f"/{command_of(message.text)} is about your own account, so send it to "
                        f"me in a private chat: https://t.me/{me.username}")


async def unknown_command(message: Message) -> None:
    await message.answer(f"I don't know /{command_of(message.text)}. /help lists what I can do.")


async def anything_else(message: Message) -> None:
    await message.answer("I answer commands. /help lists them; to answer a chat message, "
                         "reply to the message I sent you.")


def build() -> Router:
    router = Router(name=__name__)
    router.message.register(private_only, Command(*PRIVATE_ONLY), F.chat.type != "private")
    router.message.register(unknown_command, F.chat.type == "private", F.text.startswith("/"))
    router.message.register(anything_else, F.chat.type == "private")
    return router
