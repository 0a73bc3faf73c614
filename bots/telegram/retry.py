"""Flood control: when the Bot API answers 429, wait the ``retry_after`` it names, then retry."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod

log = logging.getLogger(__name__)


class RetryAfterMiddleware(BaseRequestMiddleware):
    def __init__(self, attempts: int = 4) -> None:
        self.attempts = attempts

    async def __call__(self, make_request: NextRequestMiddlewareType[Any], bot: Bot,
                       method: TelegramMethod[Any]) -> Response[Any]:
        for attempt in range(1, self.attempts + 1):
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt == self.attempts:
                    raise
                log.warning("Telegram flood control on %s: waiting %s s (attempt %s of %s)",
                            method.__api_method__, exc.retry_after, attempt, self.attempts)
                await asyncio.sleep(exc.retry_after)
        raise AssertionError("unreachable")  # the loop returns or raises
