"""/my: what the person posted, what they solve, where they applied."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bots.telegram.render import application_line, challenge_summary
from domain.models.users import User
from domain.services import overview

# Telegram caps a message at 4096 characters; ten of each stays well under it.
SHOWN = 10


async def my(message: Message, actor: User) -> None:
    mine = await overview.my_overview(actor.id)
    sections = []
    if mine.owned:
        sections.append("<b>You posted</b>\n" + "\n".join(challenge_summary(c)
                                                         for c in mine.owned[:SHOWN]))
    if mine.solving:
        sections.append("<b>You solve</b>\n" + "\n".join(challenge_summary(c)
                                                        for c in mine.solving[:SHOWN]))
    if mine.applications:
        sections.append("<b>Your applications</b>\n" + "\n".join(
            application_line(a, mine.titles.get(a.challenge_id))
            for a in mine.applications[:SHOWN]))
    if not sections:
        await message.answer("Nothing yet. /challenges lists open challenges; /post adds one.")
        return
    await message.answer("\n\n".join(sections))


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(my, Command("my"))
    return router
