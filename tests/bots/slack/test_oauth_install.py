"""Multi-workspace: the OAuth install flow (SLACK_CLIENT_ID/SECRET, no SLACK_BOT_TOKEN). The
install page issues a one-time state (kept in MongoDB) and links to Slack's authorize page;
Slack's redirect back exchanges the code (``oauth.v2.access`` at SLACK_API_URL) and the
installation is stored through our ``AsyncInstallationStore``. Requests from that workspace
are then authorized with its own bot token, and so are deliveries to it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from aiohttp.test_utils import TestClient

from bots.slack.http import INSTALL_PATH, REDIRECT_PATH
from domain.deps import Deps
from domain.models.installations import PlatformInstallation
from openchance.serve import create_app
from tests.bots.slack.conftest import CHANNEL, Slack, slack_settings
from tests.bots.slack.fake_slack_api import FakeSlackApi

SECOND = "T0002"


def oauth_answer(team: str, token: str) -> dict[str, Any]:
    return {"app_id": "A0001", "authed_user": {"id": "U0OWEN"}, "scope": "chat:write,commands",
            "token_type": "bot", "access_token": token, "bot_user_id": "UBOT0002",
            "team": {"id": team, "name": "Second"}, "enterprise": None,
            "is_enterprise_install": False}


async def install(client: TestClient, code: str) -> tuple[int, str]:
    page = await client.get(INSTALL_PATH)
    assert page.status == 200
    link = re.search(r'href="(https://slack.com/oauth[^"]+)"', await page.text())
    assert link is not None
    authorize = urlparse(link[1].replace("&amp;", "&"))
    assert authorize.hostname == "slack.com" and authorize.path == "/oauth/v2/authorize"
    state = parse_qs(authorize.query)["state"][0]
    cookie = page.headers["Set-Cookie"].split(";")[0]  # the browser keeps it (secure)
    back = await client.get(f"{REDIRECT_PATH}?{urlencode({'code': code, 'state': state})}",
                            headers={"Cookie": cookie})
    return back.status, cookie


async def test_a_workspace_installs_the_app_and_then_uses_it(
        deps: Deps, storage: Any, slack_api: FakeSlackApi, aiohttp_client: Any) -> None:
    settings = slack_settings(slack_api.url, slack_bot_token=None, slack_client_id="1.2",
                              slack_client_secret="client-secret",
                              openchance_public_url="https://chance.example.org")
    client = await aiohttp_client(create_app(settings, deps=deps, storage=storage))
    slack_api.installs["code-1"] = oauth_answer(SECOND, "xoxb-second-workspace")
    status, cookie = await install(client, "code-1")
    assert status == 200
    [exchange] = slack_api.called("oauth.v2.access")
    assert exchange["code"] == "code-1"
    assert exchange["redirect_uri"] == f"https://chance.example.org{REDIRECT_PATH}"
    stored = await PlatformInstallation.find({"team_id": SECOND}).to_list()
    assert {s.user_id for s in stored} == {"", "U0OWEN", "@bot"}

    # The same state cannot finish a second install.
    replay = await client.get(f"{REDIRECT_PATH}?code=code-1&state=used", headers={
        "Cookie": cookie})
    assert replay.status != 200

    # A command from the new workspace is authorized with its own token...
    slack = Slack(client, slack_api)
    owen = slack.person("U0OWEN", "Owen", admin=True)
    slack_api.users[owen.id]["team_id"] = SECOND
    form = {"command": "/challenge", "text": "announce on", "team_id": SECOND,
            "user_id": owen.id, "user_name": "owen", "channel_id": CHANNEL,
            "channel_name": "makers", "trigger_id": "t",
            "response_url": slack_api.responder(owen.id, CHANNEL)}
    status, _ = await slack.post(urlencode(form))
    assert status == 200
    await slack.settle()
    assert any("announced" in m.readable for m in slack_api.visible_to(owen.id))
    assert {token for method, _, token in slack_api.calls if method == "users.info"} == {
        "xoxb-second-workspace"}

    # ...and so is what reaches it later: a new challenge's card in the opted-in channel.
    registered = await client.post("/api/v1/auth/register", json={
        "email": "pia@example.org", "password": "correct horse battery", "display_name": "Pia"})
    auth = {"Authorization": f"Bearer {(await registered.json())['token']}"}
    await client.post("/api/v1/challenges", headers=auth, json={
        "title": "Map the trails", "description": "GPX files.", "category": "data",
        "reward": {"amount": 9_000, "currency": "usd"}})
    await slack.settle()
    [card] = slack_api.in_channel(CHANNEL)
    assert "Map the trails" in card.readable
    assert [token for method, args, token in slack_api.calls
            if method == "chat.postMessage" and args["channel"] == CHANNEL] == [
        "xoxb-second-workspace"]


async def test_a_workspace_that_never_installed_is_not_served(
        deps: Deps, storage: Any, slack_api: FakeSlackApi, aiohttp_client: Any) -> None:
    settings = slack_settings(slack_api.url, slack_bot_token=None, slack_client_id="1.2",
                              slack_client_secret="client-secret")
    client = await aiohttp_client(create_app(settings, deps=deps, storage=storage))
    slack = Slack(client, slack_api)
    form = {"command": "/challenge", "text": "help", "team_id": "T0NONE",
            "user_id": "U0X", "user_name": "x", "channel_id": "DU0X",
            "channel_name": "directmessage", "trigger_id": "t",
            "response_url": slack_api.responder("U0X", "DU0X")}
    status, _ = await slack.post(urlencode(form))  # signed: only the missing install refuses
    assert status == 200
    await slack.settle()
    [told] = slack_api.messages.values()  # Bolt answers through the response_url
    assert told.visible_to == "U0X" and "not installed" in told.text and INSTALL_PATH in told.text
    assert [method for method, _, _ in slack_api.calls] == []  # no Web API call was made
