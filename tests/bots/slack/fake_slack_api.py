"""A local stand-in for Slack over real HTTP: the Web API methods slack_sdk's AsyncWebClient
calls (auth.test, conversations.open/history, chat.postMessage/update, users.info,
views.open/publish, oauth.v2.access, apps.connections.open) and the ``response_url``s of
interactions, which Bolt's ``respond`` POSTs to; and Socket Mode's websocket, through which
``envelope`` sends what Slack would. State a test can assert on: ``messages``
(with who can see each), ``modals`` by trigger id, ``homes`` by user, ``calls`` in order."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.test_utils import TestServer

TEAM, BOT_USER, BOT_ID = "T0001", "UBOT0001", "BBOT0001"
MARKUP = re.compile(r"<([^|>]+)\|([^>]+)>")


@dataclass
class Posted:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]]
    visible_to: str | None = None  # an ephemeral answer: only this user sees it
    thread_ts: str | None = None
    edits: int = 0

    @property
    def readable(self) -> str:
        """Every word a person reads in it (fallback text and blocks), markup removed."""
        parts = [self.text]
        for block in self.blocks:
            for key in ("text",):
                if isinstance(block.get(key), dict):
                    parts.append(block[key]["text"])
            parts += [f["text"] for f in block.get("fields") or []]
            parts += [e.get("text") if isinstance(e.get("text"), str) else
                      (e.get("text") or {}).get("text", "") for e in block.get("elements") or []]
        said = "\n".join(p for p in parts if p)
        return MARKUP.sub(r"\2", said).replace("&lt;", "<").replace("&gt;", ">").replace(
            "&amp;", "&")

    def buttons(self) -> list[dict[str, Any]]:
        return [e for b in self.blocks if b.get("type") == "actions" for e in b["elements"]]

    def as_payload(self) -> dict[str, Any]:
        return {"type": "message", "ts": self.ts, "text": self.text, "blocks": self.blocks,
                "user": BOT_USER, "bot_id": BOT_ID, "thread_ts": self.thread_ts}


@dataclass
class Responder:
    """Where a response_url answers: the person, the channel, the pressed message."""

    user: str
    channel: str
    message_ts: str | None = None


@dataclass
class FakeSlackApi:
    messages: dict[str, Posted] = field(default_factory=dict)  # ts -> message
    modals: dict[str, dict[str, Any]] = field(default_factory=dict)  # trigger id -> view
    homes: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id -> view
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, str] = field(default_factory=dict)  # id -> name
    calls: list[tuple[str, dict[str, Any], str | None]] = field(default_factory=list)
    responders: dict[str, Responder] = field(default_factory=dict)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # method -> seconds to wait before answering (a slow Slack)
    delays: dict[str, float] = field(default_factory=dict)
    # method -> errors to answer with, one per call, before answering normally again
    failures: dict[str, list[str]] = field(default_factory=dict)
    installs: dict[str, dict[str, Any]] = field(default_factory=dict)  # oauth code -> answer
    # Socket Mode: the app's open websockets, and its acknowledgements by envelope id.
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    acks: dict[str, asyncio.Future[dict[str, Any]]] = field(default_factory=dict)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    _ts: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _server: TestServer | None = None

    @property
    def base(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("")).rstrip("/")

    @property
    def url(self) -> str:
        """SLACK_API_URL."""
        return f"{self.base}/api/"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{key}", self._respond)
        app.router.add_get("/socket", self._socket)
        self._server = TestServer(app)
        await self._server.start_server()

    async def close(self) -> None:
        for socket in list(self.sockets):
            await socket.close()
        if self._server is not None:
            await self._server.close()

    # --- what tests set up and read ---

    def add_user(self, user_id: str, name: str, *, admin: bool = False) -> None:
        self.users[user_id] = {"id": user_id, "team_id": TEAM, "name": name.lower(),
                               "real_name": name, "is_admin": admin, "is_owner": False,
                               "profile": {"display_name": name}}

    def responder(self, user: str, channel: str, message_ts: str | None = None) -> str:
        key = f"r{next(self._ts)}"
        self.responders[key] = Responder(user, channel, message_ts)
        return f"{self.base}/respond/{key}"

    def visible_to(self, user: str) -> list[Posted]:
        """Messages this person can see: their DM with the app, their ephemeral answers,
        and channel messages."""
        dm = f"D{user}"
        return [m for m in self.messages.values()
                if (m.visible_to is None and (m.channel == dm or m.channel.startswith("C")))
                or m.visible_to == user]

    def in_channel(self, channel: str) -> list[Posted]:
        return [m for m in self.messages.values() if m.channel == channel and not m.visible_to]

    def called(self, method: str) -> list[dict[str, Any]]:
        return [args for name, args, _ in self.calls if name == method]

    async def envelope(self, kind: str, payload: dict[str, Any],
                       timeout: float = 5.0) -> dict[str, Any]:
        """Send one Socket Mode envelope (``slash_commands``, ``interactive``,
        ``events_api``) to the connected app; its acknowledgement."""
        envelope_id = f"env-{next(self._ts)}"
        answered = self.acks[envelope_id] = asyncio.get_running_loop().create_future()
        await self.sockets[-1].send_json({"envelope_id": envelope_id, "type": kind,
                                          "payload": payload,
                                          "accepts_response_payload": kind != "events_api"})
        return await asyncio.wait_for(answered, timeout)

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()  # answers the client's pings with pongs
        await socket.prepare(request)
        self.sockets.append(socket)
        await socket.send_json({"type": "hello", "num_connections": 1,
                                "connection_info": {"app_id": "A0001"}})
        self.connected.set()
        async for frame in socket:
            ack = json.loads(frame.data)
            waiting = self.acks.pop(ack.get("envelope_id", ""), None)
            if waiting is not None and not waiting.done():
                waiting.set_result(ack)
        self.sockets.remove(socket)
        return socket

    # --- the HTTP side ---

    def _new_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    async def _args(self, request: web.Request) -> dict[str, Any]:
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            raw = await request.text()
            if request.content_type == "application/json":
                args.update(json.loads(raw or "{}"))
            else:
                args.update(dict(parse_qsl(raw)))
        for key in ("blocks", "view"):  # form-encoded clients send these as JSON text
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        return args

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._args(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth else args.get("token")
        self.calls.append((method, args, token))
        if method in self.delays:
            await asyncio.sleep(self.delays[method])
        if self.failures.get(method):
            return web.json_response({"ok": False, "error": self.failures[method].pop(0)})
        answer = getattr(self, "_" + method.replace(".", "_"), None)
        if answer is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        return self._ok(answer(args))

    @staticmethod
    def _ok(result: dict[str, Any]) -> web.Response:
        if "error" in result:
            return web.json_response({"ok": False, **result})
        return web.json_response({"ok": True, **result})

    async def _respond(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        body = await request.json()
        self.responses.setdefault(key, []).append(body)
        target = self.responders[key]
        if body.get("replace_original") and target.message_ts in self.messages:
            shown = self.messages[target.message_ts]
            shown.text, shown.blocks = body.get("text", ""), body.get("blocks") or []
            shown.edits += 1
        else:
            ts = self._new_ts()
            visible = None if body.get("response_type") == "in_channel" else target.user
            self.messages[ts] = Posted(target.channel, ts, body.get("text", ""),
                                       body.get("blocks") or [], visible_to=visible)
        return web.Response(text="ok")

    # --- Web API methods ---

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"team_id": TEAM, "team": "Makers", "user_id": BOT_USER, "bot_id": BOT_ID,
                "url": "https://makers.example.slack.com/"}

    def _conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        user = str(args.get("users", ""))
        if user not in self.users:
            return {"error": "user_not_found"}
        return {"channel": {"id": f"D{user}"}}

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args["channel"])
        if channel.startswith("C") and channel not in self.channels:
            return {"error": "channel_not_found"}
        if channel.startswith("U"):  # posting to a user id writes in their DM with the app
            channel = f"D{channel}"
        ts = self._new_ts()
        self.messages[ts] = Posted(channel, ts, args.get("text", ""), args.get("blocks") or [],
                                   thread_ts=args.get("thread_ts"))
        return {"channel": channel, "ts": ts, "message": self.messages[ts].as_payload()}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        found = self.messages.get(str(args["ts"]))
        if found is None or found.channel != args["channel"]:
            return {"error": "message_not_found"}
        found.text, found.blocks = args.get("text", ""), args.get("blocks") or []
        found.edits += 1
        return {"channel": found.channel, "ts": found.ts}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user")))
        return {"user": user} if user else {"error": "user_not_found"}

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = {**args["view"], "id": f"V{next(self._ts)}"}
        self.modals[str(args["trigger_id"])] = view
        return {"view": view}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        self.homes[str(args["user_id"])] = args["view"]
        return {"view": args["view"]}

    def _conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        latest = str(args.get("latest") or "")
        found = [m.as_payload() for m in self.messages.values()
                 if m.channel == args["channel"] and m.visible_to is None
                 and (not latest or m.ts <= latest)]
        found.sort(key=lambda m: m["ts"], reverse=True)
        return {"messages": found[:int(args.get("limit") or 100)], "has_more": False}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        name = self.channels.get(str(args.get("channel")))
        return {"channel": {"id": args["channel"], "name": name}} if name else {
            "error": "channel_not_found"}

    def _apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.base.replace("http://", "ws://") + "/socket"}

    def _oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.installs.get(str(args.get("code")), {"error": "invalid_code"})
