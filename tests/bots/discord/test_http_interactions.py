"""HTTP mode as Discord uses it: ``openchance serve`` with DISCORD_PUBLIC_KEY, interactions
POSTed over a real socket to ``/api/v1/discord/interactions``, signed with a test Ed25519 key
(401 otherwise), each first answer read from the response body and handed to the REST
stand-in as Discord would take it; follow-ups, edits and DMs go over REST to the stand-in.
The node logs in over REST and never connects to the gateway."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from bots.discord import http
from bots.discord.http import DISCORD, INTERACTIONS_PATH
from bots.discord.respond import HANDLED
from bots.discord.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER
from domain.models.challenges import Application, Challenge
from domain.models.users import Platform
from domain.services import accounts, challenges
from openchance.serve import create_app
from tests.bots.discord.conftest import Discord, discord_settings
from tests.bots.discord.fake_discord_api import EPHEMERAL, FakeDiscordApi
from tests.conftest import challenge_data

KEY = Ed25519PrivateKey.generate()
PUBLIC_KEY = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
DISCORD_LIMIT = 3.0


def signed(body: bytes, key: Ed25519PrivateKey = KEY, at: int | None = None
           ) -> dict[str, str]:
    """Discord's headers: an Ed25519 signature over the timestamp followed by the body."""
    stamp = str(at if at is not None else int(time.time()))
    return {SIGNATURE_HEADER: key.sign(stamp.encode() + body).hex(), TIMESTAMP_HEADER: stamp}


class OverHttp(Discord):
    """Discord in HTTP mode: it POSTs each interaction to a serve node and takes the
    response as the interaction's first answer."""

    def __init__(self, api: FakeDiscordApi, client: TestClient) -> None:
        super().__init__(api, client.app[DISCORD])
        self.client = client

    async def post(self, payload: dict[str, Any],
                   headers: dict[str, str] | None = None) -> ClientResponse:
        body = json.dumps(payload).encode()
        return await self.client.post(INTERACTIONS_PATH, data=body, headers={
            "Content-Type": "application/json", **signed(body), **(headers or {})})

    async def deliver(self, payload: dict[str, Any]) -> None:
        self.api.interactions[payload["token"]] = payload
        handled = asyncio.ensure_future(self.bot.wait_for(
            HANDLED, check=lambda i: str(i.id) == payload["id"], timeout=20))
        await asyncio.sleep(0)
        response = await self.post(payload)
        assert response.status == 200, await response.text()
        self.api.acknowledge(payload["token"], await response.json())
        await handled
        await self.settle()

    async def settle(self) -> None:
        await self.bot.outbox.drain()
        if self.bot.delivery is not None:  # DMs and cards, from the event log's group
            await self.bot.delivery.drain()


async def serve_node(deps: Any, storage: Any, api: FakeDiscordApi, aiohttp_client: Any
                     ) -> OverHttp:
    app = create_app(discord_settings(api.url, discord_public_key=PUBLIC_KEY), deps=deps,
                     storage=storage)
    return OverHttp(api, await aiohttp_client(app))


@pytest.fixture
async def discord(deps: Any, storage: Any, discord_api: FakeDiscordApi,
                  aiohttp_client: Any) -> OverHttp:
    discord_api.interactions_endpoint_url = f"https://chance.example.org{INTERACTIONS_PATH}"
    return await serve_node(deps, storage, discord_api, aiohttp_client)


def callback_posts(api: FakeDiscordApi) -> list[str]:
    return [path for method, path in api.requests if path.endswith("/callback")]


async def test_the_node_logs_in_over_rest_and_never_opens_the_gateway(
        discord: OverHttp, discord_api: FakeDiscordApi, caplog: pytest.LogCaptureFixture
        ) -> None:
    assert discord_api.requests[:3] == [
        ("GET", "/api/v10/users/@me"), ("GET", "/api/v10/oauth2/applications/@me"),
        ("PUT", f"/api/v10/applications/{discord.bot.application_id}/commands")]
    assert {c["name"] for c in discord_api.commands["global"]} >= {"challenge", "escrow", "my"}
    assert ("GET", "/api/v10/gateway/bot") not in discord_api.requests
    assert not discord_api.identified.is_set()  # no shard ever identified on the gateway
    # discord.py's warning that such an application gets nothing through it is not said here.
    assert not [r for r in caplog.get_records("setup") if "endpoint" in r.getMessage()]


async def test_a_bad_or_missing_signature_is_refused_with_401(
        discord: OverHttp, discord_api: FakeDiscordApi) -> None:
    kim = discord.person(870_001, "Kim")
    payload = kim.interaction(2, {"id": "1", "name": "my", "type": 1}, in_guild=False)
    discord_api.interactions[payload["token"]] = payload
    body = json.dumps(payload).encode()
    forged = signed(body, key=Ed25519PrivateKey.generate())
    tampered = signed(b'{"type": 1}')
    stale = signed(body, at=int(time.time()) - 3600)  # a replay of an old request
    garbled = {**signed(body), SIGNATURE_HEADER: "not hex"}
    for headers in (forged, tampered, stale, garbled, {}):
        response = await discord.client.post(INTERACTIONS_PATH, data=body, headers={
            "Content-Type": "application/json", **headers})
        assert response.status == 401, headers
    ping = await discord.client.post(INTERACTIONS_PATH, data=b'{"type": 1}')
    assert ping.status == 401  # unsigned: not even a PING is answered
    await discord.settle()
    assert not discord_api.messages and not discord_api.callbacks
    assert not callback_posts(discord_api)


async def test_a_ping_is_answered_pong(discord: OverHttp) -> None:
    response = await discord.post({"id": "1", "application_id": "2", "type": 1, "token": "t",
                                   "version": 1})
    assert response.status == 200 and await response.json() == {"type": 1}
    assert response.content_type == "application/json"


async def test_a_slash_command_is_answered_in_the_response_then_edited(
        discord: OverHttp, discord_api: FakeDiscordApi, deps: Any) -> None:
    owner = await accounts.platform_user(deps, Platform.DISCORD, "870090", "Owner")
    await challenges.post_challenge(deps, owner.id, challenge_data(title="Parse the logs"))
    kim = discord.person(870_002, "Kim")
    token = await kim.command("challenge list", in_guild=True)
    [(acknowledged, kind, _)] = discord_api.callbacks
    assert acknowledged == token and kind == 5  # "thinking…", as the response body
    [answer] = kim.answers(token)
    assert "Parse the logs" in answer.text  # the placeholder, edited over REST
    assert answer.payload["flags"] & EPHEMERAL and answer.visible_to == kim.id
    assert not callback_posts(discord_api)  # nothing answered through the callback endpoint


async def test_post_apply_and_accept_over_http(
        discord: OverHttp, discord_api: FakeDiscordApi) -> None:
    carol, dave = discord.person(870_011, "Carol"), discord.person(870_012, "Dave")
    opened = await carol.command("challenge post")
    assert discord_api.modals[opened]["title"] == "Post a challenge"  # type 9, in the body
    posted = carol.answers(await carol.fill(
        opened, title="Port the parser to Rust", description="Keep the API; pass the tests.",
        category="engineering: rust", reward="300 usd"))[0]
    assert "Posted!" in posted.text and "300.00 USD" in posted.text
    [challenge] = await Challenge.find({}).to_list()

    applying = await dave.command("apply", id=challenge.id)
    assert discord_api.modals[applying]["title"] == "Apply"
    applied = dave.answers(await dave.fill(applying, your="I have written three parsers."))
    assert "Applied" in applied[0].text
    dm, _ = carol.find("Accept")  # delivered by this node's consumer, over REST
    assert "three parsers" in dm.text

    pressed = await carol.press("Accept", dm)
    assert discord_api.callbacks[-1][:2] == (pressed, 6)  # the DM is updated, not answered
    assert (await Application.find_one({})).state == "accepted"
    assert "accepted" in discord_api.messages[dm.id].text
    assert any("was accepted" in m.text for m in discord_api.visible_to(dave.id))
    confirm = await carol.ask("escrow fund", id=challenge.id)
    await carol.press("Fund 300.00 USD", confirm)  # a money confirmation's button
    assert "simulated" in discord_api.messages[confirm.id].text
    assert not callback_posts(discord_api)


async def test_a_form_opened_on_one_node_is_submitted_on_another(
        discord: OverHttp, discord_api: FakeDiscordApi, deps: Any, storage: Any,
        aiohttp_client: Any) -> None:
    other = await serve_node(deps, storage, discord_api, aiohttp_client)
    lea = discord.person(870_021, "Lea")
    opened = await lea.command("challenge post")
    moved = other.person(lea.id, "Lea")  # the load balancer sends the submission elsewhere
    posted = moved.answers(await moved.fill(
        opened, title="Index the archive", description="Full-text, 10k documents.",
        category="engineering: search", reward="80 usd"))[0]
    assert "Posted!" in posted.text
    assert [c.title for c in await Challenge.find({}).to_list()] == ["Index the archive"]


async def test_a_slow_domain_call_is_deferred_within_3_seconds_then_followed_up(
        discord: OverHttp, discord_api: FakeDiscordApi, deps: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gate, entered = asyncio.Event(), asyncio.Event()
    real = challenges.list_challenges

    async def slow_listing(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        await gate.wait()  # held until the test has seen the deferred response
        return await real(*args, **kwargs)

    monkeypatch.setattr(challenges, "list_challenges", slow_listing)
    owner = await accounts.platform_user(deps, Platform.DISCORD, "870091", "Owner")
    await challenges.post_challenge(deps, owner.id, challenge_data(title="Slow but sure"))
    kim = discord.person(870_031, "Kim")
    started = time.monotonic()
    answered = asyncio.create_task(kim.command("challenge list"))
    await asyncio.wait_for(entered.wait(), 10)
    for _ in range(200):  # the response is read while the domain call is still held
        if discord_api.callbacks:
            break
        await asyncio.sleep(0.01)
    [(token, kind, at)] = discord_api.callbacks
    assert kind == 5 and at - started < DISCORD_LIMIT and not gate.is_set()
    assert not kim.answers(token)[0].text  # nothing to read yet
    await asyncio.sleep(0.2)
    gate.set()
    await answered
    assert "Slow but sure" in kim.answers(token)[0].text  # the follow-up edit, after


async def test_a_node_stopping_finishes_the_work_after_its_answers_first(
        discord: OverHttp, discord_api: FakeDiscordApi, deps: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    gate = asyncio.Event()
    real = challenges.list_challenges

    async def slow_listing(*args: Any, **kwargs: Any) -> Any:
        await gate.wait()
        return await real(*args, **kwargs)

    monkeypatch.setattr(challenges, "list_challenges", slow_listing)
    owner = await accounts.platform_user(deps, Platform.DISCORD, "870092", "Owner")
    await challenges.post_challenge(deps, owner.id, challenge_data(title="Worth the wait"))
    kim = discord.person(870_051, "Kim")
    answered = asyncio.create_task(kim.command("challenge list"))
    for _ in range(200):
        if discord_api.callbacks:
            break
        await asyncio.sleep(0.01)
    [(token, kind, _)] = discord_api.callbacks
    assert kind == 5
    asyncio.get_running_loop().call_later(0.3, gate.set)
    await discord.client.close()  # SIGTERM: the node shuts down with the listing still held
    assert discord.bot.is_closed()
    assert "Worth the wait" in kim.answers(token)[0].text  # edited before the bot closed
    await answered


async def test_an_interaction_nothing_handles_still_gets_an_answer_in_time(
        discord: OverHttp, discord_api: FakeDiscordApi, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    monkeypatch.setattr(http, "ANSWER_WITHIN", 0.3)
    kim = discord.person(870_041, "Kim")
    payload = kim.interaction(3, {"custom_id": "from-another-app", "component_type": 2},
                              in_guild=False)
    started = time.monotonic()
    response = await discord.post(payload)
    assert response.status == 200 and time.monotonic() - started < DISCORD_LIMIT
    answer = await response.json()
    assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
    assert "try again" in answer["data"]["content"]


async def test_a_malformed_public_key_stops_serve_at_start(discord_api: FakeDiscordApi) -> None:
    with pytest.raises(ValueError, match="64 hex digits"):
        create_app(discord_settings(discord_api.url, discord_public_key="not-a-key"))
