"""The whole platform as ``openchance serve`` builds it with the Slack app in HTTP mode, its
Web API calls going over HTTP to the local stand-in. Tests act as Slack does: they sign and
POST slash commands, button presses (block_actions), modal submissions and events to
``/api/v1/slack/events`` over a real socket, and read what people see in the stand-in."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest
from aiohttp.test_utils import TestClient

from bots.slack.app import SlackBot
from bots.slack.http import EVENTS_PATH, SLACK
from domain.deps import Deps
from openchance.serve import create_app
from openchance.settings import Settings
from tests.bots.slack.fake_slack_api import TEAM, FakeSlackApi, Posted

TOKEN, SECRET = "xoxb-test-token", "signing-secret-for-tests"
CHANNEL, CHANNEL_NAME = "C0MAKERS", "makers"
FORM = "application/x-www-form-urlencoded"


def slack_settings(api_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"slack_bot_token": TOKEN, "slack_signing_secret": SECRET,
                              "slack_api_url": api_url, "redis_url": None, "mongodb_url": None}
    values.update(overrides)
    return Settings(_env_file=None, **values)


def signed(body: str, secret: str = SECRET, at: int | None = None) -> dict[str, str]:
    """Slack's request signature (v0), computed here by hand from Slack's documented rule."""
    stamp = str(at if at is not None else int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


@pytest.fixture
async def slack_api() -> AsyncIterator[FakeSlackApi]:
    api = FakeSlackApi()
    await api.start()
    api.channels[CHANNEL] = CHANNEL_NAME
    yield api
    await api.close()


class Slack:
    _ids = itertools.count(1)

    def __init__(self, client: TestClient, api: FakeSlackApi) -> None:
        self.client, self.api = client, api

    @property
    def bot(self) -> SlackBot:
        return self.client.app[SLACK]

    def person(self, user_id: str, name: str, *, admin: bool = False) -> Person:
        self.api.add_user(user_id, name, admin=admin)
        return Person(self, user_id, name)

    async def post(self, body: str, content_type: str = FORM,
                   headers: dict[str, str] | None = None) -> tuple[int, str]:
        response = await self.client.post(EVENTS_PATH, data=body.encode(), headers={
            "Content-Type": content_type, **signed(body), **(headers or {})})
        return response.status, await response.text()

    async def settle(self) -> None:
        await self.bot.settle()

    def next_id(self) -> int:
        return next(self._ids)


class Person:
    def __init__(self, slack: Slack, user_id: str, name: str) -> None:
        self.slack, self.id, self.name = slack, user_id, name
        self.last_trigger = ""

    @property
    def api(self) -> FakeSlackApi:
        return self.slack.api

    @property
    def dm(self) -> str:
        return f"D{self.id}"

    def _snapshot(self) -> dict[str, int]:
        return {ts: m.edits for ts, m in self.api.messages.items()}

    def _changed(self, before: dict[str, int]) -> list[Posted]:
        """What changed for this person since ``before``: new messages and edited ones."""
        seen = {m.ts for m in self.api.visible_to(self.id)}
        return [m for ts, m in self.api.messages.items()
                if ts in seen and before.get(ts) != m.edits]

    def user(self) -> dict[str, Any]:
        return {"id": self.id, "username": self.name.lower(), "name": self.name.lower(),
                "team_id": TEAM}

    async def command(self, text: str, *, channel: str | None = None,
                      mod: bool = False) -> list[Posted]:
        """Run ``/challenge text`` (``/challenge-mod`` with ``mod``) in ``channel`` (default:
        the DM with the app); returns what the person sees change."""
        channel = channel or self.dm
        self.last_trigger = f"trigger-{self.slack.next_id()}"
        form = {"token": "legacy", "team_id": TEAM, "team_domain": "makers",
                "channel_id": channel,
                "channel_name": "directmessage" if channel.startswith("D") else CHANNEL_NAME,
                "user_id": self.id, "user_name": self.name.lower(),
                "command": "/challenge-mod" if mod else "/challenge", "text": text,
                "api_app_id": "A0001", "response_url": self.api.responder(self.id, channel),
                "trigger_id": self.last_trigger}
        before = self._snapshot()
        status, _ = await self.slack.post(urlencode(form))
        assert status == 200
        await self.slack.settle()
        return self._changed(before)

    async def ask(self, text: str, **kwargs: Any) -> Posted:
        answers = await self.command(text, **kwargs)
        assert answers, f"no answer to /challenge {text}"
        return answers[-1]

    def find(self, label: str) -> tuple[Posted, dict[str, Any]]:
        """The newest message this person sees with a button whose label has ``label``."""
        for shown in sorted(self.api.visible_to(self.id), key=lambda m: m.ts, reverse=True):
            for button in shown.buttons():
                if label in button["text"]["text"]:
                    return shown, button
        raise AssertionError(f"{self.name} sees no button {label!r}")

    async def press(self, label: str, shown: Posted | None = None) -> list[Posted]:
        if shown is None:
            shown, button = self.find(label)
        else:
            button = next(b for b in shown.buttons() if label in b["text"]["text"])
        return await self.press_button(shown, button)

    async def press_button(self, shown: Posted, button: dict[str, Any]) -> list[Posted]:
        self.last_trigger = f"trigger-{self.slack.next_id()}"
        payload = {
            "type": "block_actions", "team": {"id": TEAM, "domain": "makers"},
            "user": self.user(), "api_app_id": "A0001", "token": "legacy",
            "trigger_id": self.last_trigger,
            "container": {"type": "message", "message_ts": shown.ts,
                          "channel_id": shown.channel, "is_ephemeral": bool(shown.visible_to)},
            "channel": {"id": shown.channel, "name": CHANNEL_NAME if shown.channel.startswith(
                "C") else "directmessage"},
            "message": shown.as_payload(),
            "response_url": self.api.responder(self.id, shown.channel, shown.ts),
            "actions": [{"type": "button", "block_id": "b", "action_id": button["action_id"],
                         "value": button.get("value"), "text": button["text"],
                         "action_ts": str(time.time())}]}
        before = self._snapshot()
        status, _ = await self.slack.post(urlencode({"payload": json.dumps(payload)}))
        assert status == 200
        await self.slack.settle()
        return self._changed(before)

    def modal(self) -> dict[str, Any]:
        return self.api.modals[self.last_trigger]

    async def fill(self, **fields: str) -> tuple[str, list[Posted]]:
        """Submit the modal the last command or press opened; returns Slack's answer to the
        submission (the ack's body) and what this person sees change."""
        view = self.modal()
        values = {b["block_id"]: {b["element"]["action_id"]: {
            "type": "plain_text_input", "value": fields.get(b["block_id"]) or None}}
            for b in view["blocks"] if b["type"] == "input"}
        payload = {"type": "view_submission", "team": {"id": TEAM, "domain": "makers"},
                   "user": self.user(), "api_app_id": "A0001", "token": "legacy",
                   "trigger_id": f"trigger-{self.slack.next_id()}",
                   "view": {**view, "state": {"values": values}, "team_id": TEAM}}
        before = self._snapshot()
        status, body = await self.slack.post(urlencode({"payload": json.dumps(payload)}))
        assert status == 200
        await self.slack.settle()
        return body, self._changed(before)

    def event(self, event: dict[str, Any], event_id: str | None = None) -> str:
        return json.dumps({
            "token": "legacy", "team_id": TEAM, "api_app_id": "A0001", "type": "event_callback",
            "event_id": event_id or f"Ev{self.slack.next_id():08d}",
            "event_time": int(time.time()), "event": {"user": self.id, **event},
            "authorizations": [{"team_id": TEAM, "user_id": "UBOT0001", "is_bot": True}]})

    def message_event(self, text: str, thread_ts: str | None = None) -> dict[str, Any]:
        ts = f"1700000500.{self.slack.next_id():06d}"
        shown: dict[str, Any] = {"type": "message", "channel": self.dm, "channel_type": "im",
                                 "text": text, "ts": ts, "event_ts": ts}
        if thread_ts:
            shown["thread_ts"] = thread_ts
        return shown

    async def say(self, text: str, thread_ts: str | None = None,
                  headers: dict[str, str] | None = None, event_id: str | None = None
                  ) -> list[Posted]:
        """Write in the DM with the app (in a thread with ``thread_ts``)."""
        before = self._snapshot()
        status, _ = await self.slack.post(
            self.event(self.message_event(text, thread_ts), event_id), "application/json",
            headers)
        assert status == 200
        await self.slack.settle()
        return self._changed(before)


@pytest.fixture
async def app_client(deps: Deps, storage: Any, slack_api: FakeSlackApi,
                     aiohttp_client: Any) -> TestClient:
    return await aiohttp_client(create_app(slack_settings(slack_api.url), deps=deps,
                                           storage=storage))


@pytest.fixture
def slack(app_client: TestClient, slack_api: FakeSlackApi) -> Slack:
    return Slack(app_client, slack_api)
