"""/challenge matches id: (a challenge's owner, moderators) and /mod flags (moderators) from
Discord: answered privately, refusals in the domain's words."""

from __future__ import annotations

from typing import Any

from domain.models.escrow import Escrow
from domain.models.payment_operations import FlagKind
from domain.models.users import Platform, Role, User
from domain.services import accounts, challenges, escrow
from domain.services.common import update_where
from domain.services.escrow_flags import raise_flag
from tests.bots.discord.conftest import Discord, Person
from tests.bots.discord.fake_discord_api import EPHEMERAL
from tests.conftest import challenge_data


async def _account(deps: Any, person: Person) -> User:
    return await accounts.platform_user(deps, Platform.DISCORD, str(person.id), person.name)


async def test_matches_and_flags(discord: Discord, users, deps) -> None:
    olga, mo = discord.person(820_001, "Olga"), discord.person(820_002, "Mo")
    owner, moderator = await _account(deps, olga), await _account(deps, mo)
    posted = await challenges.post_challenge(deps, owner.id, challenge_data())
    sam = await users.make("Sam")
    await accounts.update_profile(deps, sam.id, {"bio": "Python performance work.",
                                                 "skills": ["python", "perf"]})

    shown = await olga.ask("challenge matches", in_guild=True, id=posted.id)
    assert shown.payload["flags"] & EPHEMERAL and shown.visible_to == olga.id
    assert "Recommended solvers for Make the importer fast" in shown.text
    assert "1. Sam — " in shown.text and sam.id in shown.text
    refused = await mo.ask("challenge matches", id=posted.id)
    assert "only the challenger sees recommended solvers" in refused.text

    started, _ = await escrow.start_funding(deps, owner.id, posted.id)
    held = await Escrow.get(started.id)
    assert held is not None
    await raise_flag(FlagKind.UNEXPECTED_PAYMENT, held, f"unexpected:{held.id}:pi_2",
                     "a second payment of 300.00 USD was given back")
    assert "moderators only" in (await mo.ask("mod flags")).text
    await update_where(User, {"_id": moderator.id}, {"$set": {"role": Role.MODERATOR}})
    flags = await mo.ask("mod flags", in_guild=True)
    assert flags.payload["flags"] & EPHEMERAL and flags.visible_to == mo.id
    assert "Open money flags (1)" in flags.text and held.id in flags.text
    assert "unexpected payment: a second payment of 300.00 USD was given back" in flags.text
    # A moderator may see any challenge's recommended solvers.
    assert "1. Sam — " in (await mo.ask("challenge matches", id=posted.id)).text
