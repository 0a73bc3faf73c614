"""A local stand-in for Discord over real HTTP: the REST API discord.py's own HTTP client
calls when it logs in, syncs commands, answers interactions (callbacks, follow-ups, edits of
the original response), opens DMs, posts and edits messages, and reads a server's roles and
members; and the gateway websocket (hello, identify, ready, heartbeats) through which
``dispatch`` delivers events such as INTERACTION_CREATE (in HTTP mode tests POST them to
``openchance serve`` as Discord does and hand the response to ``acknowledge``). State a test
can assert on:
``messages`` (who can see each), ``modals``, ``callbacks`` (the order and time of every
acknowledgement), ``commands`` synced."""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

APP_ID, BOT_ID = 400_000_000_000_000_001, 400_000_000_000_000_002
EPHEMERAL = 64
BOT_USER = {"id": str(BOT_ID), "username": "openchance", "discriminator": "0",
            "global_name": "OpenChance", "avatar": None, "bot": True}


@dataclass
class Sent:
    """A message as the API holds it, and who sees it (None: everyone in the channel)."""

    payload: dict[str, Any]
    visible_to: int | None

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def content(self) -> str:
        return self.payload.get("content") or ""

    @property
    def text(self) -> str:
        """The content and every embed's words, for asserting on what a person reads."""
        parts = [self.content]
        for shown in self.payload.get("embeds") or []:
            parts += [shown.get("title") or "", shown.get("description") or ""]
            parts += [f"{f['name']}: {f['value']}" for f in shown.get("fields") or []]
            parts.append((shown.get("footer") or {}).get("text") or "")
        return _readable("\n".join(p for p in parts if p))

    def buttons(self) -> list[dict[str, Any]]:
        return [c for row in self.payload.get("components") or []
                for c in row.get("components", []) if c.get("type") == 2]


@dataclass
class FakeDiscordApi:
    messages: dict[int, Sent] = field(default_factory=dict)
    dm_channels: dict[int, int] = field(default_factory=dict)  # channel id -> recipient
    # Interactions the test injected (by token), so callbacks know their channel and message.
    interactions: dict[str, dict[str, Any]] = field(default_factory=dict)
    originals: dict[str, int] = field(default_factory=dict)  # token -> message id
    by_token: dict[str, list[int]] = field(default_factory=dict)  # token -> messages it made
    modals: dict[str, dict[str, Any]] = field(default_factory=dict)
    callbacks: list[tuple[str, int, float]] = field(default_factory=list)  # token, type, at
    acknowledgements: dict[str, asyncio.Event] = field(default_factory=dict)  # by token
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    guilds: dict[int, dict[str, Any]] = field(default_factory=dict)
    members: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    requests: list[tuple[str, str]] = field(default_factory=list)
    interactions_endpoint_url: str | None = None  # set on the developer portal (HTTP mode)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(
        500_000_000_000_000_000))
    _server: TestServer | None = None
    _sockets: list[web.WebSocketResponse] = field(default_factory=list)
    _sequence: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    identified: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        assert self._server is not None
        return str(self._server.make_url("/api/v10"))

    async def start(self) -> None:
        app = web.Application(middlewares=[self._log])
        base = "/api/v10"
        app.router.add_get(f"{base}/users/@me", self._me)
        app.router.add_get(f"{base}/oauth2/applications/@me", self._application)
        app.router.add_put(f"{base}/applications/{{app}}/commands", self._sync)
        app.router.add_put(f"{base}/applications/{{app}}/guilds/{{guild}}/commands", self._sync)
        app.router.add_post(f"{base}/interactions/{{id}}/{{token}}/callback", self._callback)
        app.router.add_patch(f"{base}/webhooks/{{app}}/{{token}}/messages/@original",
                             self._edit_original)
        app.router.add_delete(f"{base}/webhooks/{{app}}/{{token}}/messages/@original",
                              self._delete_original)
        app.router.add_post(f"{base}/webhooks/{{app}}/{{token}}", self._follow_up)
        app.router.add_post(f"{base}/users/@me/channels", self._open_dm)
        app.router.add_post(f"{base}/channels/{{channel}}/messages", self._post)
        app.router.add_patch(f"{base}/channels/{{channel}}/messages/{{message}}", self._edit)
        app.router.add_get(f"{base}/guilds/{{guild}}", self._guild)
        app.router.add_get(f"{base}/guilds/{{guild}}/members/{{user}}", self._member)
        app.router.add_get(f"{base}/gateway/bot", self._gateway_bot)
        app.router.add_get("/gateway", self._gateway)
        self._server = TestServer(app)
        await self._server.start_server()

    async def dispatch(self, event: str, payload: dict[str, Any]) -> None:
        """Send a gateway event to every connected shard, as Discord does."""
        assert self._sockets, "no bot is connected to the gateway"
        for socket in self._sockets:
            await socket.send_json({"op": 0, "t": event, "s": next(self._sequence),
                                    "d": payload})

    async def close(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._server is not None:
            await self._server.close()

    @web.middleware
    async def _log(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append((request.method, request.path))
        return await handler(request)

    # --- what tests set up and read ---

    def add_guild(self, guild_id: int, owner_id: int, manage_role: int) -> None:
        """A server whose @everyone may do nothing special and ``manage_role`` has Manage
        Server (0x20)."""
        self.guilds[guild_id] = {
            "id": str(guild_id), "name": "Makers", "owner_id": str(owner_id), "icon": None,
            "features": [], "emojis": [], "stickers": [], "verification_level": 0,
            "default_message_notifications": 0, "explicit_content_filter": 0, "mfa_level": 0,
            "nsfw_level": 0, "premium_tier": 0, "preferred_locale": "en-US",
            "roles": [_role(guild_id, "@everyone", 0), _role(manage_role, "Admins", 0x20)]}

    def add_member(self, guild_id: int, user: dict[str, Any], roles: list[int]) -> None:
        self.members[(guild_id, int(user["id"]))] = {
            "user": user, "roles": [str(r) for r in roles], "joined_at": _now(), "deaf": False,
            "mute": False, "flags": 0}

    def visible_to(self, user_id: int) -> list[Sent]:
        """What reached one person privately: their DMs and the answers only they see."""
        return [m for m in self.messages.values() if m.visible_to == user_id]

    def in_channel(self, channel_id: int) -> list[Sent]:
        return [m for m in self.messages.values() if int(m.payload["channel_id"]) == channel_id
                and m.visible_to is None]

    def answers(self, token: str) -> list[Sent]:
        return [self.messages[i] for i in self.by_token.get(token, [])]

    # --- the API ---

    async def _me(self, _: web.Request) -> web.Response:
        return _json(BOT_USER)

    async def _application(self, _: web.Request) -> web.Response:
        return _json({
            "id": str(APP_ID), "name": "OpenChance", "description": "", "icon": None,
            "bot_public": True, "bot_require_code_grant": False, "owner": BOT_USER,
            "verify_key": "00" * 32, "flags": 0, "summary": "", "rpc_origins": [],
            "interactions_endpoint_url": self.interactions_endpoint_url})

    async def _sync(self, request: web.Request) -> web.Response:
        scope = request.match_info.get("guild", "global")
        body = await request.json()
        self.commands[scope] = [{**c, "id": str(next(self._ids)), "application_id": str(APP_ID),
                                 "version": "1", "default_member_permissions": c.get(
                                     "default_member_permissions")} for c in body]
        return _json(self.commands[scope])

    def _message(self, channel_id: int, body: dict[str, Any], visible_to: int | None,
                 token: str | None = None) -> Sent:
        payload = {"id": str(next(self._ids)), "channel_id": str(channel_id), "type": 0,
                   "author": BOT_USER, "content": body.get("content") or "",
                   "embeds": body.get("embeds") or [], "components": body.get("components") or [],
                   "flags": body.get("flags") or 0, "attachments": [], "mentions": [],
                   "mention_roles": [], "pinned": False, "mention_everyone": False, "tts": False,
                   "timestamp": _now(), "edited_timestamp": None}
        sent = Sent(payload, visible_to)
        self.messages[sent.id] = sent
        if token is not None:
            self.by_token.setdefault(token, []).append(sent.id)
        return sent

    def _update(self, message_id: int, body: dict[str, Any]) -> Sent:
        sent = self.messages[message_id]
        for key in ("content", "embeds", "components"):
            if key in body:
                sent.payload[key] = body[key] or ([] if key != "content" else "")
        sent.payload["edited_timestamp"] = _now()
        return sent

    def _seen_by(self, interaction: dict[str, Any], flags: int) -> int | None:
        user = (interaction.get("member") or {}).get("user") or interaction.get("user") or {}
        private = flags & EPHEMERAL or "guild_id" not in interaction
        return int(user["id"]) if private else None

    async def _callback(self, request: web.Request) -> web.Response:
        return _json(self.acknowledge(request.match_info["token"], await request.json()))

    def acknowledge(self, token: str, body: dict[str, Any]) -> dict[str, Any]:
        """The first answer to an interaction: POSTed to the callback endpoint (gateway mode),
        or the body of the response to Discord's own POST (HTTP mode, ``answered_over_http``).
        Returns what the callback endpoint says (``with_response``)."""
        interaction = self.interactions[token]
        kind, data = body["type"], body.get("data") or {}
        self.callbacks.append((token, kind, time.monotonic()))
        sent: Sent | None = None
        if kind in (4, 5):  # a message, or "thinking…" until the original is edited
            flags = data.get("flags") or 0
            sent = self._message(int(interaction["channel_id"]), data,
                                 self._seen_by(interaction, flags), token)
            self.originals[token] = sent.id
        elif kind in (6, 7):  # the message the button is on: later edited, or now
            self.originals[token] = int(interaction["message"]["id"])
            if kind == 7:
                sent = self._update(self.originals[token], data)
        elif kind == 9:
            self.modals[token] = data
        self._acknowledged(token).set()
        response: dict[str, Any] = {"interaction": {
            "id": interaction["id"], "type": interaction["type"],
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL)},
            "resource": {"type": kind}}
        if sent is not None:
            response["interaction"]["response_message_id"] = str(sent.id)
            response["resource"]["message"] = sent.payload
        return response

    def _acknowledged(self, token: str) -> asyncio.Event:
        return self.acknowledgements.setdefault(token, asyncio.Event())

    async def _after_acknowledgement(self, token: str) -> web.Response | None:
        """Discord takes follow-ups and edits only for an acknowledged interaction. Over HTTP
        the acknowledgement is a response the test is still reading when the bot's next
        request may already arrive here, so wait for it a moment (as Discord, having
        received it first, would not need to)."""
        try:
            await asyncio.wait_for(self._acknowledged(token).wait(), 5)
        except TimeoutError:
            return _json({"message": "Unknown Webhook", "code": 10015}, status=404)
        return None

    async def _edit_original(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if (refused := await self._after_acknowledgement(token)) is not None:
            return refused
        return _json(self._update(self.originals[token],
                                              await _body(request)).payload)

    async def _delete_original(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if (refused := await self._after_acknowledgement(token)) is not None:
            return refused
        gone = self.originals.pop(token)
        del self.messages[gone]
        self.by_token[token].remove(gone)
        return web.Response(status=204)

    async def _follow_up(self, request: web.Request) -> web.Response:
        token, body = request.match_info["token"], await _body(request)
        if (refused := await self._after_acknowledgement(token)) is not None:
            return refused
        interaction = self.interactions[token]
        sent = self._message(int(interaction["channel_id"]), body,
                             self._seen_by(interaction, body.get("flags") or 0), token)
        return _json(sent.payload)

    async def _open_dm(self, request: web.Request) -> web.Response:
        recipient = int((await request.json())["recipient_id"])
        channel_id = next((c for c, r in self.dm_channels.items() if r == recipient), None)
        if channel_id is None:
            channel_id = next(self._ids)
            self.dm_channels[channel_id] = recipient
        return _json({"id": str(channel_id), "type": 1, "last_message_id": None,
                                  "recipients": [{"id": str(recipient), "username": "someone",
                                                  "discriminator": "0", "avatar": None}]})

    async def _post(self, request: web.Request) -> web.Response:
        channel_id = int(request.match_info["channel"])
        sent = self._message(channel_id, await _body(request), self.dm_channels.get(channel_id))
        return _json(sent.payload)

    async def _edit(self, request: web.Request) -> web.Response:
        message_id = int(request.match_info["message"])
        if message_id not in self.messages:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        return _json(self._update(message_id, await _body(request)).payload)

    async def _gateway_bot(self, _: web.Request) -> web.Response:
        assert self._server is not None
        return _json({"url": str(self._server.make_url("/gateway")).replace("http", "ws", 1),
                      "shards": 1, "session_start_limit": {
                          "total": 1000, "remaining": 1000, "reset_after": 0,
                          "max_concurrency": 1}})

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.append(socket)
        await socket.send_json({"op": 10, "d": {"heartbeat_interval": 45_000}})
        try:
            async for frame in socket:
                sent = json.loads(frame.data)
                if sent["op"] == 2:  # identify: the session is ready, with no servers cached
                    shard = sent["d"].get("shard") or [0, 1]
                    await socket.send_json({"op": 0, "t": "READY", "s": next(self._sequence),
                                            "d": {"v": 10, "user": BOT_USER, "guilds": [],
                                                  "session_id": "session-1", "shard": shard,
                                                  "resume_gateway_url": str(request.url),
                                                  "application": {"id": str(APP_ID),
                                                                  "flags": 0}}})
                    self.identified.set()
                elif sent["op"] == 1:  # heartbeat
                    await socket.send_json({"op": 11})
        finally:
            self._sockets.remove(socket)
        return socket

    async def _guild(self, request: web.Request) -> web.Response:
        return _json(self.guilds[int(request.match_info["guild"])])

    async def _member(self, request: web.Request) -> web.Response:
        key = (int(request.match_info["guild"]), int(request.match_info["user"]))
        if key not in self.members:
            return _json({"message": "Unknown Member", "code": 10007}, status=404)
        return _json(self.members[key])


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type.startswith("multipart/"):
        form = await request.post()
        return dict(json.loads(str(form["payload_json"])))
    return dict(await request.json())


def _readable(markdown: str) -> str:
    """What Discord shows for our Markdown: no emphasis markers, no escaping backslashes."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("**", "").replace("`", ""))


def _json(data: Any, status: int = 200) -> web.Response:
    # discord.py reads a body as JSON only when the type is exactly this (no charset).
    return web.Response(body=json.dumps(data).encode(), status=status,
                        headers={"Content-Type": "application/json"})


def _role(role_id: int, name: str, permissions: int) -> dict[str, Any]:
    return {"id": str(role_id), "name": name, "permissions": str(permissions), "position": 0,
            "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
