"""/matches ID (a challenge's owner, moderators) and /flags (moderators) from Telegram, in a
private chat only; everyone else is told why, in the domain's words."""

from __future__ import annotations

from domain.models.escrow import Escrow
from domain.models.payment_operations import FlagKind
from domain.models.users import Role, User
from domain.services import accounts, challenges, escrow
from domain.services.common import update_where
from domain.services.escrow_flags import raise_flag
from tests.bots.telegram.conftest import Person, Telegram
from tests.conftest import challenge_data

GROUP = {"id": -100888, "type": "supergroup", "title": "Makers"}


async def _account(person: Person) -> User:
    await person.send("/start")  # first contact makes the account
    found = await User.find_one({"display_name": person.name})
    assert found is not None
    return found


async def test_matches_for_the_owner_only(telegram: Telegram, users, deps) -> None:
    olga, eve = telegram.person(6001, "Olga"), telegram.person(6002, "Eve")
    owner = await _account(olga)
    await _account(eve)
    posted = await challenges.post_challenge(deps, owner.id, challenge_data())
    sam = await users.make("Sam")
    await accounts.update_profile(deps, sam.id, {"bio": "Python performance work.",
                                                 "skills": ["python", "perf"]})

    shown = await olga.send(f"/matches {posted.id}")
    assert shown is not None and shown.text.startswith("Recommended solvers for Make the")
    assert "1. Sam — " in shown.text and "skills: " in shown.text and sam.id in shown.text
    assert "only the challenger sees recommended solvers" in (
        await eve.send(f"/matches {posted.id}")).text
    missing = await olga.send("/matches")
    assert "The challenge ID is missing" in missing.text and "Usage: /matches ID" in missing.text
    in_group = await olga.send(f"/matches {posted.id}", chat=GROUP)
    assert "send it to me in a private chat" in in_group.text and sam.id not in in_group.text


async def test_flags_for_moderators_only(telegram: Telegram, deps) -> None:
    mo, pat = telegram.person(6101, "Mo"), telegram.person(6102, "Pat")
    mo_user, pat_user = await _account(mo), await _account(pat)
    await update_where(User, {"_id": mo_user.id}, {"$set": {"role": Role.MODERATOR}})
    assert "No open money flags" in (await mo.send("/flags")).text

    posted = await challenges.post_challenge(deps, pat_user.id, challenge_data())
    started, _ = await escrow.start_funding(deps, pat_user.id, posted.id)
    held = await Escrow.get(started.id)
    assert held is not None
    await raise_flag(FlagKind.STUCK_OPERATION, held, f"stuck:{held.id}",
                     "a release has been unfinished for 2 hours")

    assert "moderators only" in (await pat.send("/flags")).text
    shown = await mo.send("/flags")
    assert shown is not None and "Open money flags (1)" in shown.text
    assert "stuck operation: a release has been unfinished for 2 hours" in shown.text
    assert held.id in shown.text and posted.id in shown.text
    in_group = await mo.send("/flags", chat=GROUP)
    assert "send it to me in a private chat" in in_group.text and held.id not in in_group.text
