"""/challenge mymatches (the open challenges that match me) and /alerts on: (be told of new
ones) from Discord: answered privately, an empty profile explained, and the alert opted in
here arriving as a DM when a matching challenge is posted."""

from __future__ import annotations

from typing import Any

from domain.models.users import Platform, User
from domain.services import accounts, challenges
from tests.bots.discord.conftest import Discord, Person
from tests.bots.discord.fake_discord_api import EPHEMERAL, FakeDiscordApi
from tests.conftest import challenge_data


async def _account(deps: Any, person: Person) -> User:
    return await accounts.platform_user(deps, Platform.DISCORD, str(person.id), person.name)


async def test_my_matches(discord: Discord, users, deps) -> None:
    sam = discord.person(830_001, "Sam")
    me = await _account(deps, sam)
    empty = await sam.ask("challenge mymatches")
    assert "yours say nothing yet" in empty.text and "/challenge mymatches" in empty.text

    await accounts.update_profile(deps, me.id, {"bio": "Python performance work.",
                                                "skills": ["python", "perf"]})
    owner = await users.make("owner")
    posted = await challenges.post_challenge(deps, owner.id, challenge_data())
    shown = await sam.ask("challenge mymatches", in_guild=True)
    assert shown.payload["flags"] & EPHEMERAL and shown.visible_to == sam.id
    assert "Open challenges that match you" in shown.text
    assert "1. Make the importer fast — 300.00 USD" in shown.text
    assert "matches your skills: perf, python" in shown.text and posted.id in shown.text
    # The numbered button opens the challenge's card.
    opened = sam.answers(await sam.press("1", shown))
    assert opened and "1M rows" in opened[0].text


async def test_match_alerts(discord: Discord, discord_api: FakeDiscordApi, users,
                            deps) -> None:
    kit = discord.person(830_002, "Kit")
    me = await _account(deps, kit)
    assert "Match alerts: off." in (await kit.ask("alerts")).text
    on = await kit.ask("alerts", in_guild=True, on=True)
    assert on.payload["flags"] & EPHEMERAL and on.visible_to == kit.id
    assert "Match alerts: on." in on.text and "yours say nothing yet" in on.text
    assert "Match alerts: on." in (await kit.ask("alerts")).text

    await accounts.update_profile(deps, me.id, {"bio": "Python performance work.",
                                                "skills": ["python", "perf"]})
    owner = await users.make("owner")
    await challenges.post_challenge(deps, owner.id, challenge_data())
    await discord.settle()
    alerts = [m for m in discord_api.visible_to(kit.id) if "A new challenge matches you" in m.text]
    assert len(alerts) == 1 and "“Make the importer fast”" in alerts[0].text
    assert any("View challenge" in b.get("label", "") for b in alerts[0].buttons())

    assert "Match alerts: off." in (await kit.ask("alerts", on=False)).text
    await challenges.post_challenge(deps, owner.id, challenge_data(title="Another fast one"))
    await discord.settle()
    assert not any("Another fast one" in m.text for m in discord_api.visible_to(kit.id))
