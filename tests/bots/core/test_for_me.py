"""The core's solver-side matching verbs: the open challenges that suit me (as
``GET /me/matches``) and the opt-in to match alerts (as ``PUT /me/match-alerts``), whose DM
then arrives through the core's delivery when a matching challenge is posted."""

from __future__ import annotations

import pytest

from bots.core.grammar import UsageError
from bots.core.rich import plain
from bots.core.verbs import for_me
from domain.models.challenges import Visibility
from domain.models.matching import MatchAlerts
from domain.services import accounts, challenges
from tests.bots.core.conftest import Chat
from tests.conftest import challenge_data


async def test_open_challenges_that_match_me(chat: Chat, deps) -> None:
    olga, sam = await chat.person("o1", "Olga"), await chat.person("s1", "Sam")
    # No bio, no skills, nothing solved: nothing to match on, and the verb says why.
    empty = plain((await for_me.matches(sam)).body)
    assert "yours say nothing yet" in empty and "Add a bio and skills on the web" in empty
    assert "/challenge mymatches" in empty

    await accounts.update_profile(deps, sam.user.id, {"bio": "I make Python code fast.",
                                                      "skills": ["python", "perf"]})
    sam = await chat.person("s1", "Sam")
    nothing = plain((await for_me.matches(sam)).body)
    assert nothing.startswith("No open challenges match you right now")
    assert "/alerts on:" in nothing

    fast = await challenges.post_challenge(deps, olga.user.id, challenge_data())
    scarf = await challenges.post_challenge(deps, olga.user.id, challenge_data(
        title="Knit a winter scarf", description="Wool, two metres.", category="Crafts",
        tags=["knitting"]))
    hidden = await challenges.post_challenge(deps, olga.user.id, challenge_data(
        title="Unlisted python job", visibility=Visibility.UNLISTED.value))
    own = await challenges.post_challenge(deps, sam.user.id, challenge_data(
        title="Sam's own python task"))

    reply = await for_me.matches(sam)
    shown = plain(reply.body)
    assert shown.startswith("Open challenges that match you\n1. Make the importer fast — "
                            "300.00 USD · ")
    assert "% fit" in shown and "matches your skills: perf, python" in shown
    assert fast.id in shown and shown.index(fast.id) < shown.index(scarf.id)
    # Only open public challenges of others, as GET /me/matches.
    assert hidden.id not in shown and own.id not in shown
    targets = [b.action.target for row in reply.buttons for b in row if b.action]
    assert targets == [fast.id, scarf.id]


async def test_match_alerts_on_and_off(chat: Chat, deps, users) -> None:
    kit = await chat.person("k1", "Kit")
    assert plain((await for_me.alerts(kit)).body).startswith("Match alerts: off.")
    on = plain((await for_me.alerts(kit, for_me.read_switch(" ON "))).body)
    assert on.startswith("Match alerts: on.") and "50% fit or more" in on
    assert "yours say nothing yet" in on  # on, but an empty profile cannot match
    stored = await MatchAlerts.get(kit.user.id)
    assert stored is not None and stored.enabled
    assert plain((await for_me.alerts(kit)).body).startswith("Match alerts: on.")

    await accounts.update_profile(deps, kit.user.id, {"bio": "Python performance work.",
                                                      "skills": ["python", "perf"]})
    kit = await chat.person("k1", "Kit")
    assert "nothing yet" not in plain((await for_me.alerts(kit)).body)
    owner = await users.make("owner")
    posted = await challenges.post_challenge(deps, owner.id, challenge_data())
    await chat.settle()
    alert = [r for who, r in chat.platform.dms if who == "k1"]
    assert len(alert) == 1 and "A new challenge matches you: “Make the importer fast”" in \
        plain(alert[0].body)
    assert any(b.action and b.action.target == posted.id for row in alert[0].buttons for b in row)

    assert plain((await for_me.alerts(kit, for_me.read_switch("off"))).body).startswith(
        "Match alerts: off.")
    await challenges.post_challenge(deps, owner.id, challenge_data())
    await chat.settle()
    assert len([r for who, r in chat.platform.dms if who == "k1"]) == 1
    with pytest.raises(UsageError) as refused:
        for_me.read_switch("maybe")
    assert refused.value.verb == "alerts" and "Say on or off" in refused.value.problem
