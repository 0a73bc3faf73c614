"""Who is acting: the Telegram account translated into an OpenChance user (created on first
contact). Runs only for updates a handler matched, so bystanders in groups get no account."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser

from domain.models.users import Platform
from domain.services import accounts


class ActorMiddleware(BaseMiddleware):
    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        sender: TelegramUser | None = data.get("event_from_user")
        if sender is not None:
            data["actor"] = await accounts.platform_user(
                data["deps"], Platform.TELEGRAM, str(sender.id), sender.full_name,
                sender.username)
        return await handler(event, data)
