"""/review ID RATING TEXT."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bots.telegram.args import number_or_text, rest_after, words
from domain.deps import Deps
from domain.models.users import User
from domain.services import reviews


async def review(message: Message, command: CommandObject, deps: Deps, actor: User) -> None:
    challenge_id, rating = words(command, "review", 2, "The challenge ID or the rating")[:2]
    posted = await reviews.post_review(deps, actor.id, challenge_id,
                                       {"rating": number_or_text(rating),
                                        "text": rest_after(command, 2)})
    await message.answer(f"⭐ Review posted: {posted.rating}/5. Thank you!")


def build() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(review, Command("review"))
    return router
