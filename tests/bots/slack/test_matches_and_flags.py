"""/challenge matches ID (a challenge's owner, moderators) and /challenge-mod flags
(moderators) from Slack: answered privately, refusals in the domain's words."""

from __future__ import annotations

from typing import Any

from domain.models.escrow import Escrow
from domain.models.payment_operations import FlagKind
from domain.models.users import Platform, Role, User
from domain.services import accounts, challenges, escrow
from domain.services.common import update_where
from domain.services.escrow_flags import raise_flag
from tests.bots.slack.conftest import CHANNEL, Slack
from tests.conftest import Users, challenge_data


async def test_matches_and_flags(slack: Slack, users: Users, deps: Any) -> None:
    olga, mo = slack.person("U0OLGA", "Olga"), slack.person("U0MO", "Mo")
    owner = await accounts.platform_user(deps, Platform.SLACK, "T0001:U0OLGA", "Olga")
    moderator = await accounts.platform_user(deps, Platform.SLACK, "T0001:U0MO", "Mo")
    posted = await challenges.post_challenge(deps, owner.id, challenge_data())
    sam = await users.make("Sam")
    await accounts.update_profile(deps, sam.id, {"bio": "Python performance work.",
                                                 "skills": ["python", "perf"]})

    shown = await olga.ask(f"matches {posted.id}", channel=CHANNEL)
    assert shown.visible_to == olga.id
    assert "Recommended solvers for Make the importer fast" in shown.readable
    assert "1. Sam — " in shown.readable and sam.id in shown.readable
    refused = await mo.ask(f"matches {posted.id}")
    assert "only the challenger sees recommended solvers" in refused.readable
    assert "Usage: /challenge matches" in (await olga.ask("matches")).readable

    started, _ = await escrow.start_funding(deps, owner.id, posted.id)
    held = await Escrow.get(started.id)
    assert held is not None
    await raise_flag(FlagKind.UNEXPECTED_PAYMENT, held, f"unexpected:{held.id}:pi_2",
                     "a second payment of 300.00 USD was given back")
    assert "moderators only" in (await mo.ask("flags", mod=True)).readable
    await update_where(User, {"_id": moderator.id}, {"$set": {"role": Role.MODERATOR}})
    flags = await mo.ask("flags", mod=True, channel=CHANNEL)
    assert flags.visible_to == mo.id
    assert "Open money flags (1)" in flags.readable and held.id in flags.readable
    assert "unexpected payment: a second payment of 300.00 USD was given back" in \
        flags.readable
    assert "1. Sam — " in (await mo.ask(f"matches {posted.id}")).readable
