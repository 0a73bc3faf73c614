"""Building the bot and its dispatcher once per process, from the settings and the domain's
collaborators (which go into the dispatcher's workflow data as ``deps``)."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage

from bots.telegram import errors
from bots.telegram.actor import ActorMiddleware
from bots.telegram.retry import RetryAfterMiddleware
from bots.telegram.routers import ROUTER_MODULES
from domain.deps import Deps
from openchance.settings import Settings

# A wizard left half-way is forgotten after a day (Redis storage only; memory lives as long
# as the process).
FSM_TTL_SECONDS = 24 * 3600
FSM_KEY_PREFIX = "openchance:telegram:fsm"


def build_bot(settings: Settings) -> Bot:
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    api = (TelegramAPIServer.from_base(settings.telegram_api_url) if settings.telegram_api_url
           else PRODUCTION)
    session = AiohttpSession(api=api)
    session.middleware(RetryAfterMiddleware())
    return Bot(settings.telegram_bot_token, session=session,
               default=DefaultBotProperties(parse_mode=ParseMode.HTML,
                                            link_preview_is_disabled=True))


def build_storage(settings: Settings) -> BaseStorage:
    """FSM state in memory on the embedded defaults; in Redis (shared by every node) when set."""
    if settings.redis_url:
        from aiogram.fsm.storage.base import DefaultKeyBuilder
        from aiogram.fsm.storage.redis import RedisStorage

        # The bot id in the key keeps two bots (staging, production) on one Redis apart.
        keys = DefaultKeyBuilder(prefix=FSM_KEY_PREFIX, with_bot_id=True)
        return RedisStorage.from_url(settings.redis_url, key_builder=keys,
                                     state_ttl=FSM_TTL_SECONDS, data_ttl=FSM_TTL_SECONDS)
    return MemoryStorage()


def build_dispatcher(deps: Deps, settings: Settings) -> Dispatcher:
    dispatcher = Dispatcher(storage=build_storage(settings), deps=deps)
    dispatcher.message.middleware(ActorMiddleware())
    dispatcher.callback_query.middleware(ActorMiddleware())
    dispatcher.include_router(errors.build())
    for module in ROUTER_MODULES:
        dispatcher.include_router(module.build())
    return dispatcher


def build(deps: Deps, settings: Settings) -> tuple[Bot, Dispatcher]:
    return build_bot(settings), build_dispatcher(deps, settings)
