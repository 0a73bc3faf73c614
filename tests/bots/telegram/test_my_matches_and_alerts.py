"""/mymatches (the open challenges that match me) and /alerts on|off (be told of new ones)
from Telegram, in a private chat only: an empty profile is explained, and an alert opted in
here arrives here as a DM when a matching challenge is posted."""

from __future__ import annotations

from domain.models.users import User
from domain.services import accounts, challenges
from tests.bots.telegram.conftest import Person, Telegram
from tests.bots.telegram.fake_bot_api import FakeBotApi
from tests.conftest import challenge_data

GROUP = {"id": -100889, "type": "supergroup", "title": "Makers"}


async def _account(person: Person) -> User:
    await person.send("/start")  # first contact makes the account
    found = await User.find_one({"display_name": person.name})
    assert found is not None
    return found


async def test_my_matches(telegram: Telegram, users, deps) -> None:
    sam = telegram.person(6201, "Sam")
    me = await _account(sam)
    empty = await sam.send("/mymatches")
    assert empty is not None and "yours say nothing yet" in empty.text
    assert "Add a bio and skills on the web" in empty.text and "/mymatches" in empty.text

    await accounts.update_profile(deps, me.id, {"bio": "Python performance work.",
                                                "skills": ["python", "perf"]})
    owner = await users.make("owner")
    posted = await challenges.post_challenge(deps, owner.id, challenge_data())
    shown = await sam.send("/mymatches")
    assert shown is not None
    assert shown.text.startswith("Open challenges that match you\n1. Make the importer fast")
    assert "matches your skills: perf, python" in shown.text and posted.id in shown.text
    # The numbered buttons open the challenge, as /challenges' do.
    calls = await sam.press("1")
    assert any("Make the importer fast" in c.text and "1M rows" in c.text for c in calls)

    in_group = await sam.send("/mymatches", chat=GROUP)
    assert in_group is not None and "send it to me in a private chat" in in_group.text
    assert posted.id not in in_group.text


async def test_match_alerts(telegram: Telegram, bot_api: FakeBotApi, users, deps) -> None:
    kit = telegram.person(6202, "Kit")
    me = await _account(kit)
    assert "Match alerts: off." in (await kit.send("/alerts")).text
    on = await kit.send("/alerts on")
    assert on is not None and "Match alerts: on." in on.text and "yours say nothing yet" in on.text
    assert "Match alerts: on." in (await kit.send("/alerts")).text
    refused = await kit.send("/alerts maybe")
    assert "Say on or off" in refused.text and "Usage: /alerts on|off" in refused.text

    await accounts.update_profile(deps, me.id, {"bio": "Python performance work.",
                                                "skills": ["python", "perf"]})
    owner = await users.make("owner")
    posted = await challenges.post_challenge(deps, owner.id, challenge_data())
    await telegram.settle()
    alert = await bot_api.wait_for(lambda c: c.method == "sendMessage" and c.chat_id == kit.id
                                   and "A new challenge matches you" in c.text)
    assert "“Make the importer fast”" in alert.text
    assert "View challenge" in [b["text"] for b in alert.buttons()]
    assert any(posted.id in c.text for c in await kit.press("View challenge"))

    assert "Match alerts: off." in (await kit.send("/alerts off")).text
    await challenges.post_challenge(deps, owner.id, challenge_data(title="Another fast one"))
    await telegram.settle()
    assert not any("Another fast one" in text for text in kit.texts())
    in_group = await kit.send("/alerts on", chat=GROUP)
    assert in_group is not None and "send it to me in a private chat" in in_group.text
    assert "Match alerts: off." in (await kit.send("/alerts")).text
