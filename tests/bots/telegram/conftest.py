"""The real aiogram Dispatcher and Bot, wired to the domain, talking over HTTP to the local
Bot API stand-in. Tests act as Telegram users: they feed updates and read what the bot sent."""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bots.telegram.webhook import TELEGRAM
from domain.deps import Deps
from openchance.serve import create_app
from openchance.settings import Settings
from tests.bots.telegram.fake_bot_api import Call, FakeBotApi

TOKEN = "123456:TEST-token-for-the-stand-in"
SECRET = "webhook-secret-for-tests"
PUBLIC_URL = "https://chance.example.org"


def telegram_settings(api_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"telegram_bot_token": TOKEN, "telegram_api_url": api_url,
                              "telegram_webhook_secret": SECRET, "redis_url": None,
                              "mongodb_url": None, "openchance_public_url": None}
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
async def bot_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    yield api
    await api.close()


class Telegram:
    """Feeds updates to the dispatcher the way Telegram would, and waits for what follows."""

    _update_ids = itertools.count(1)
    _message_ids = itertools.count(1)

    def __init__(self, api: FakeBotApi, bot: Any, dispatcher: Any, outbox: Any) -> None:
        self.api, self.bot, self.dispatcher, self.outbox = api, bot, dispatcher, outbox

    def person(self, tg_id: int, name: str) -> Person:
        return Person(self, tg_id, name)

    async def feed(self, update: dict[str, Any]) -> None:
        update = {"update_id": next(self._update_ids), **update}
        await self.dispatcher.feed_raw_update(self.bot, update)
        await self.outbox.drain()

    async def settle(self) -> None:
        await self.outbox.drain()


class Person:
    def __init__(self, telegram: Telegram, tg_id: int, name: str) -> None:
        self.telegram, self.id, self.name = telegram, tg_id, name

    @property
    def user(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": False, "first_name": self.name,
                "username": self.name.lower()}

    def message(self, text: str, chat: dict[str, Any] | None = None,
                reply_to: dict[str, Any] | None = None) -> dict[str, Any]:
        chat = chat or {"id": self.id, "type": "private", "first_name": self.name}
        message: dict[str, Any] = {"message_id": next(Telegram._message_ids),
                                   "date": int(time.time()), "chat": chat, "from": self.user,
                                   "text": text}
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": len(text.split()[0])}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return message

    async def send(self, text: str, chat: dict[str, Any] | None = None,
                   reply_to: dict[str, Any] | None = None) -> Call | None:
        """Send ``text``; returns the bot's last message to this chat afterwards, if any."""
        before = len(self.telegram.api.calls)
        message = self.message(text, chat, reply_to)
        await self.telegram.feed({"message": message})
        chat_id = message["chat"]["id"]
        answers = [c for c in self.telegram.api.calls[before:]
                   if c.method in ("sendMessage", "editMessageText") and c.chat_id == chat_id]
        return answers[-1] if answers else None

    def last(self) -> Call:
        return self.telegram.api.last_to(self.id)

    def texts(self) -> list[str]:
        return [c.text for c in self.telegram.api.sent_to(self.id)]

    def find_button(self, label: str, chat_id: int | None = None) -> tuple[dict[str, Any],
                                                                            dict[str, Any]]:
        """The newest message in the chat with a button whose text contains ``label``."""
        chat_id = chat_id or self.id
        for (chat, _), message in reversed(list(self.telegram.api.messages.items())):
            if chat != chat_id:
                continue
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
                for button in row:
                    if label in button["text"]:
                        return message, button
        raise AssertionError(f"no button {label!r} in chat {chat_id}")

    async def press(self, label: str, chat_id: int | None = None) -> list[Call]:
        """Press a button; returns every call the bot made in response."""
        message, button = self.find_button(label, chat_id)
        before = len(self.telegram.api.calls)
        await self.telegram.feed({"callback_query": {
            "id": str(next(Telegram._update_ids)), "from": self.user, "chat_instance": "ci",
            "message": message, "data": button["callback_data"]}})
        return self.telegram.api.calls[before:]


@pytest.fixture
async def app_client(deps: Deps, storage: Any, bot_api: FakeBotApi,
                     aiohttp_client: Any) -> TestClient:
    """The whole platform as ``openchance serve`` builds it, with the bot in webhook mode."""
    settings = telegram_settings(bot_api.url, openchance_public_url=PUBLIC_URL)
    app = create_app(settings, deps=deps, storage=storage)
    return await aiohttp_client(app)


@pytest.fixture
async def telegram(app_client: TestClient, bot_api: FakeBotApi) -> Telegram:
    handle = app_client.app[TELEGRAM]
    return Telegram(bot_api, handle.bot, handle.dispatcher, handle)
