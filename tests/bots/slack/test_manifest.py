"""The app manifest a user pastes into Slack agrees with the code: its commands are the ones
the app listens to, every URL names the route ``serve`` mounts, and the scopes are the ones
the OAuth flow asks for."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import yaml

from bots.slack.http import EVENTS_PATH, REDIRECT_PATH
from bots.slack.oauth import BOT_SCOPES
from bots.slack.texts import COMMAND, MOD_COMMAND

MANIFEST = Path(__file__).resolve().parents[3] / "bots" / "slack" / "manifest.yml"


def test_the_manifest_matches_the_app() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [COMMAND, MOD_COMMAND]
    assert all(c["should_escape"] for c in commands)  # mentions arrive as <@U123|name>
    settings = manifest["settings"]
    urls = [c["url"] for c in commands] + [settings["event_subscriptions"]["request_url"],
                                           settings["interactivity"]["request_url"]]
    assert {urlparse(u).path for u in urls} == {EVENTS_PATH}
    assert [urlparse(u).path for u in manifest["oauth_config"]["redirect_urls"]] == [
        REDIRECT_PATH]
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_home_opened",
                                                                  "message.im"}
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
