"""The Telegram bot (aiogram 3): every handler translates an update into one domain service
call and renders the result.

- ``setup(rt)`` builds the Bot (TELEGRAM_API_URL, 429 retry) and the Dispatcher (FSM in memory,
  or Redis with REDIS_URL; the domain's Deps in its workflow data as ``deps``), and makes the
  core's ``bots.core.delivery.Delivery`` over ``platform.TelegramPlatform`` the consumer of the
  event log's ``telegram`` group (DMs, community cards).
- ``routers/`` one Router per feature; ``errors.py`` turns refusals into helpful replies.
- ``webhook.py`` mounts the bot in ``openchance serve``; ``polling.py`` runs it on its own
  (``openchance bot telegram``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bots.telegram.handle import TelegramBot
from bots.telegram.webhook import mount

if TYPE_CHECKING:
    from openchance.runtime import Runtime

GROUP = "telegram"


def setup(rt: Runtime) -> TelegramBot:
    from bots.core.delivery import Delivery
    from bots.telegram.bot import build
    from bots.telegram.platform import TelegramPlatform

    bot, dispatcher = build(rt.deps, rt.settings)
    consumer = rt.consume_events(GROUP, Delivery(TelegramPlatform(bot)).handle)
    handle = TelegramBot(bot, dispatcher, consumer, rt.settings)
    dispatcher["outbox"] = handle
    return handle


__all__ = ["GROUP", "TelegramBot", "mount", "setup"]
