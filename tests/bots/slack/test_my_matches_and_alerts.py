"""/challenge mymatches (the open challenges that match me) and /challenge alerts on|off (be
told of new ones) from Slack: answered privately, an empty profile explained, the verbs also
typed in the app's DM, and the alert opted in here arriving in that DM when a matching
challenge is posted."""

from __future__ import annotations

from typing import Any

from domain.models.users import Platform
from domain.services import accounts, challenges
from tests.bots.slack.conftest import CHANNEL, Slack
from tests.conftest import Users, challenge_data


async def test_my_matches(slack: Slack, users: Users, deps: Any) -> None:
    sam = slack.person("U0SAM", "Sam")
    me = await accounts.platform_user(deps, Platform.SLACK, "T0001:U0SAM", "Sam")
    empty = await sam.ask("mymatches")
    assert "yours say nothing yet" in empty.readable
    assert "/challenge mymatches" in empty.readable

    await accounts.update_profile(deps, me.id, {"bio": "Python performance work.",
                                                "skills": ["python", "perf"]})
    owner = await users.make("owner")
    posted = await challenges.post_challenge(deps, owner.id, challenge_data())
    shown = await sam.ask("mymatches", channel=CHANNEL)
    assert shown.visible_to == sam.id
    assert "Open challenges that match you" in shown.readable
    assert "1. Make the importer fast — 300.00 USD" in shown.readable
    assert "matches your skills: perf, python" in shown.readable and posted.id in shown.readable
    opened = await sam.press("1", shown)
    assert any("1M rows" in m.readable for m in opened)
    # Typed in the DM with the app, without the slash command.
    [typed] = await sam.say("mymatches")
    assert "Open challenges that match you" in typed.readable


async def test_match_alerts(slack: Slack, users: Users, deps: Any) -> None:
    kit = slack.person("U0KIT", "Kit")
    me = await accounts.platform_user(deps, Platform.SLACK, "T0001:U0KIT", "Kit")
    assert "Match alerts: off." in (await kit.ask("alerts")).readable
    on = await kit.ask("alerts on", channel=CHANNEL)
    assert on.visible_to == kit.id
    assert "Match alerts: on." in on.readable and "yours say nothing yet" in on.readable
    refused = await kit.ask("alerts maybe")
    assert "Say on or off" in refused.readable
    assert "Usage: /challenge alerts on|off" in refused.readable

    await accounts.update_profile(deps, me.id, {"bio": "Python performance work.",
                                                "skills": ["python", "perf"]})
    owner = await users.make("owner")
    await challenges.post_challenge(deps, owner.id, challenge_data())
    await slack.settle()
    alerts = [m for m in slack.api.visible_to(kit.id)
              if "A new challenge matches you" in m.readable]
    assert len(alerts) == 1 and "“Make the importer fast”" in alerts[0].readable
    assert alerts[0].channel == kit.dm
    assert any("View challenge" in b["text"]["text"] for b in alerts[0].buttons())

    [typed] = await kit.say("alerts off")
    assert "Match alerts: off." in typed.readable
    await challenges.post_challenge(deps, owner.id, challenge_data(title="Another fast one"))
    await slack.settle()
    assert not any("Another fast one" in m.readable for m in slack.api.visible_to(kit.id))
