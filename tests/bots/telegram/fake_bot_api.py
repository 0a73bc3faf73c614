"""A local stand-in for api.telegram.org, served over real HTTP by aiohttp.

The real aiogram Bot talks to it (TELEGRAM_API_URL). It records every call (``calls``), keeps
the messages it "sent" so edits and replies refer to real ids, answers getChatMember from a
table a test fills in, serves queued updates to getUpdates (long polling), and can answer the
next calls of a method with 429 to exercise flood control."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from aiohttp import web

BOT_ID = 777000111
BOT_USERNAME = "openchance_test_bot"
_TAG = re.compile(r"<[^>]+>")


def plain(html_text: str) -> str:
    return unescape(_TAG.sub("", html_text))


def error(code: int, description: str,
          parameters: dict[str, Any] | None = None) -> web.Response:
    """An error as the Bot API sends it: the HTTP status is the error code."""
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def text(self) -> str:
        return plain(str(self.params.get("text", "")))

    @property
    def chat_id(self) -> int:
        return int(self.params["chat_id"])

    def buttons(self) -> list[dict[str, Any]]:
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]


class FakeBotApi:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.chat_members: dict[tuple[int, int], str] = {}
        self.chats: dict[str, dict[str, Any]] = {}
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.failures: dict[str, list[int]] = {}
        self._message_ids = itertools.count(1000)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # --- what a test asserts on ----------------------------------------------------------
    def sent_to(self, chat_id: int, method: str = "sendMessage") -> list[Call]:
        return [c for c in self.calls if c.method == method and c.chat_id == chat_id]

    def last_to(self, chat_id: int) -> Call:
        sent = self.sent_to(chat_id)
        assert sent, f"nothing was sent to {chat_id}"
        return sent[-1]

    async def wait_for(self, predicate: Any, timeout: float = 5.0) -> Call:
        """The first recorded call matching ``predicate``, waiting for it if needed."""
        async def find() -> Call:
            async with self._changed:
                while True:
                    for call in self.calls:
                        if predicate(call):
                            return call
                    await self._changed.wait()
        return await asyncio.wait_for(find(), timeout)

    def fail_next(self, method: str, retry_after: int, times: int = 1) -> None:
        self.failures.setdefault(method, []).extend([retry_after] * times)

    # --- the Bot API ---------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            text = str(value)
            try:
                params[key] = json.loads(text) if text[:1] in "{[" else text
            except ValueError:
                params[key] = text
        call = Call(method, params)
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        pending = self.failures.get(method)
        if pending:
            retry_after = pending.pop(0)
            return error(429, f"Too Many Requests: retry after {retry_after}",
                         {"retry_after": retry_after})
        answer = getattr(self, "_" + method, None)
        result = await answer(params) if answer else True
        if isinstance(result, web.Response):
            return result
        return web.json_response({"ok": True, "result": result})

    async def _getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "OpenChance",
                "username": BOT_USERNAME, "can_join_groups": True}

    def _chat(self, chat_id: int) -> dict[str, Any]:
        known = self.chats.get(str(chat_id))
        if known:
            return known
        return {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"}

    async def _sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"]) if str(params["chat_id"]).lstrip("-").isdigit() \
            else int(self.chats[params["chat_id"]]["id"])
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self._chat(chat_id), "text": params["text"],
                   "from": await self._getMe({})}
        if isinstance(params.get("reply_markup"), dict):
            message["reply_markup"] = params["reply_markup"]
        self.messages[(chat_id, message["message_id"])] = message
        return message

    async def _editMessageText(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        key = (int(params["chat_id"]), int(params["message_id"]))
        message = self.messages.get(key)
        if message is None:
            return error(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup") if isinstance(params.get("reply_markup"), dict) \
            else None
        if message["text"] == params["text"] and message.get("reply_markup") == markup:
            return error(400, "Bad Request: message is not modified")
        message["text"] = params["text"]
        if markup is not None:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        return message

    async def _getChat(self, params: dict[str, Any]) -> dict[str, Any] | web.Response:
        known = self.chats.get(str(params["chat_id"]))
        if known is None:
            return error(400, "Bad Request: chat not found")
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts",
                               "premium_subscription", "gifts_from_channels"), False)
        return {"accent_color_id": 0, "max_reaction_count": 11, "accepted_gift_types": gifts,
                **known}

    async def _getChatMember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params["chat_id"]
        chat_id = int(self.chats[chat_id]["id"]) if chat_id in self.chats else int(chat_id)
        user_id = int(params["user_id"])
        status = self.chat_members.get((chat_id, user_id), "member")
        member: dict[str, Any] = {"status": status, "user": {"id": user_id, "is_bot": False,
                                                             "first_name": "someone"}}
        if status == "administrator":
            member.update(can_be_edited=False, is_anonymous=False, can_manage_chat=True,
                          can_delete_messages=True, can_manage_video_chats=True,
                          can_restrict_members=True, can_promote_members=False,
                          can_change_info=True, can_invite_users=True,
                          can_post_stories=False, can_edit_stories=False,
                          can_delete_stories=False, can_send_welcome_messages=False)
        elif status == "creator":
            member.update(is_anonymous=False)
        return member

    async def _getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        timeout = min(float(params.get("timeout", 0) or 0), 2.0)
        try:
            first = await asyncio.wait_for(self.updates.get(), timeout or 0.01)
        except TimeoutError:
            return []
        batch = [first]
        while not self.updates.empty():
            batch.append(self.updates.get_nowait())
        return batch
