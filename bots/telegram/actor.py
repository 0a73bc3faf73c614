"""Who is acting: the Telegram account translated into the core's Caller (an OpenChance user,
created on first contact). Runs only for updates a handler matched, so bystanders in groups
get no account."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser

from bots.core.caller import identify
from bots.telegram.texts import COMMANDS
from domain.models.users import Platform


class ActorMiddleware(BaseMiddleware):
    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
                       event: TelegramObject, data: dict[str, Any]) -> Any:
        sender: TelegramUser | None = data.get("event_from_user")
        if sender is not None:
            caller = await identify(data["deps"], Platform.TELEGRAM, str(sender.id),
                                    sender.full_name, sender.username, COMMANDS)
            data["caller"], data["actor"] = caller, caller.user
        return await handler(event, data)
