"""How updates arrive and leave: the webhook route (secret checked), long polling as its own
process (`openchance bot telegram`), flood control (429 retry_after), FSM state in Redis."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bots.telegram.bot import FSM_KEY_PREFIX, build
from bots.telegram.webhook import WEBHOOK_PATH, webhook_secret
from domain.models.users import PlatformIdentity
from openchance.serve import create_app
from tests.bots.telegram.conftest import (
    PUBLIC_URL,
    SECRET,
    TOKEN,
    Telegram,
    telegram_settings,
)
from tests.bots.telegram.fake_bot_api import FakeBotApi


class _NoDeliveries:
    """These nodes consume no event log: only their replies are awaited."""

    async def drain(self) -> None:
        return None


def _update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": int(time.time()), "text": text,
        "chat": {"id": user_id, "type": "private", "first_name": "Pat"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Pat"},
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]}}


async def test_webhook_checks_the_secret_token(app_client: TestClient, bot_api: FakeBotApi,
                                               telegram: Telegram) -> None:
    for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
        response = await app_client.post(WEBHOOK_PATH, json=_update(1, 6001, "/start"),
                                         headers=headers)
        assert response.status == 401
    assert not [c for c in bot_api.calls if c.method != "setWebhook"]
    assert not await PlatformIdentity.find({}).to_list()

    response = await app_client.post(WEBHOOK_PATH, json=_update(2, 6001, "/start"),
                                     headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
    assert response.status == 200
    answer = await bot_api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == 6001)
    assert "Hello, Pat" in answer.text


async def test_serve_registers_the_webhook_with_its_secret(
        deps, storage, bot_api: FakeBotApi, aiohttp_client: Any) -> None:
    settings = telegram_settings(bot_api.url, telegram_webhook_secret=None,
                                 openchance_public_url=PUBLIC_URL)
    await aiohttp_client(create_app(settings, deps=deps, storage=storage))
    registered = await bot_api.wait_for(lambda c: c.method == "setWebhook")
    assert registered.params["url"] == PUBLIC_URL + WEBHOOK_PATH
    # Without TELEGRAM_WEBHOOK_SECRET a secret is derived from the token: never unchecked.
    assert registered.params["secret_token"] == webhook_secret(settings) != ""
    assert "getUpdates" not in [c.method for c in bot_api.calls]


@pytest.mark.parametrize("public_url", [None, "http://127.0.0.1:8080"])
async def test_serve_without_a_public_address_long_polls(
        deps, storage, bot_api: FakeBotApi, aiohttp_client: Any, public_url: str | None) -> None:
    settings = telegram_settings(bot_api.url, openchance_public_url=public_url)
    client = await aiohttp_client(create_app(settings, deps=deps, storage=storage))
    await bot_api.updates.put(_update(1, 6050, "/start"))
    answer = await bot_api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == 6050)
    assert "Hello, Pat" in answer.text
    methods = [c.method for c in bot_api.calls]
    assert "deleteWebhook" in methods and "setWebhook" not in methods
    await client.close()  # shutting down stops the polling loop cleanly


async def test_flood_control_waits_retry_after(telegram: Telegram, bot_api: FakeBotApi) -> None:
    bot_api.fail_next("sendMessage", retry_after=1)
    started = time.monotonic()
    answer = await telegram.person(6101, "Flo").send("/help")
    attempts = [c for c in bot_api.calls if c.method == "sendMessage"]
    assert len(attempts) == 2 and answer is not None and "/post" in answer.text
    assert attempts[1].at - attempts[0].at >= 0.95
    assert time.monotonic() - started >= 0.95


async def test_long_polling_process(bot_api: FakeBotApi) -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": bot_api.url}
    for name in ("MONGODB_URL", "REDIS_URL", "TELEGRAM_WEBHOOK_SECRET"):
        env.pop(name, None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "openchance.cli", "bot", "telegram", env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    try:
        await bot_api.updates.put(_update(1, 6201, "/start"))
        answer = await bot_api.wait_for(
            lambda c: c.method == "sendMessage" and c.chat_id == 6201, timeout=180)
        assert "Hello, Pat" in answer.text
        methods = [c.method for c in bot_api.calls]
        assert "deleteWebhook" in methods and "getUpdates" in methods
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), 15)
    assert b"Traceback" not in stderr, stderr.decode()[-2000:]


async def test_wizard_state_lives_in_redis(deps, bot_api: FakeBotApi, redis_url: str) -> None:
    """Two bot nodes sharing Redis: the wizard started on one continues on the other."""
    settings = telegram_settings(bot_api.url, redis_url=redis_url)
    nodes = [build(deps, settings) for _ in range(2)]
    try:
        people = [Telegram(bot_api, *node, _NoDeliveries()).person(6301, "Rae")
                  for node in nodes]
        assert "Step 1/6" in (await people[0].send("/post")).text
        assert "Step 2/6" in (await people[1].send("A title from node two")).text
        keys = await nodes[0][1].storage.redis.keys(f"{FSM_KEY_PREFIX}:123456:6301:6301:*")
        assert sorted(keys) == [f"{FSM_KEY_PREFIX}:123456:6301:6301:{part}".encode()
                                for part in ("data", "state")]
        await people[0].send("/cancel")
    finally:
        for bot, dispatcher in nodes:
            await dispatcher.storage.close()
            await bot.session.close()
