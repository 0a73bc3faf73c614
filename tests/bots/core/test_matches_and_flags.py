"""The core's verbs for recommended solvers (a challenge's owner and moderators only) and
for the moderators' money flags: the domain decides who may, the verb says it readably."""

from __future__ import annotations

import pytest

from bots.core.grammar import UsageError
from bots.core.rich import plain
from bots.core.verbs import matches, moderation, posting
from domain.errors import Forbidden, NotFound
from domain.models.escrow import Escrow
from domain.models.payment_operations import FlagKind
from domain.models.users import Role, User
from domain.services import accounts, escrow
from domain.services.common import update_where
from domain.services.escrow_flags import clear_flag, raise_flag
from tests.bots.core.conftest import Chat
from tests.conftest import challenge_data


async def test_owner_and_moderators_see_recommended_solvers(chat: Chat, deps) -> None:
    olga = await chat.person("o1", "Olga")
    posted = await posting.post(olga, challenge_data(title="Speed up the CSV importer"))
    assert posted.card is not None
    challenge_id = posted.card.challenge_id
    # Sam's skills are the challenge's tags; Kit's say nothing about it.
    sam, kit = await chat.person("s1", "Sam"), await chat.person("k1", "Kit")
    await accounts.update_profile(deps, sam.user.id, {"bio": "I make Python code fast.",
                                                      "skills": ["python", "perf"]})
    await accounts.update_profile(deps, kit.user.id, {"bio": "Hand-knitted scarves.",
                                                      "skills": ["knitting"]})

    shown = plain((await matches.solvers(olga, challenge_id)).body)
    assert shown.startswith("Recommended solvers for Speed up the CSV importer")
    assert shown.index("Sam") < shown.index("Kit")
    assert "% fit" in shown and "skills: " in shown and "python" in shown
    assert sam.user.id in shown  # the user id, to act on (e.g. /ban) or look up

    with pytest.raises(Forbidden):
        await matches.solvers(kit, challenge_id)
    await update_where(User, {"_id": kit.user.id}, {"$set": {"role": Role.MODERATOR}})
    moderator = await chat.person("k1", "Kit")
    assert "Sam" in plain((await matches.solvers(moderator, challenge_id)).body)
    with pytest.raises(NotFound):
        await matches.solvers(olga, "no-such-challenge")
    with pytest.raises(UsageError):
        await matches.solvers(olga, "")


async def test_only_moderators_see_money_flags(chat: Chat, deps) -> None:
    mo = await chat.person("m1", "Mo")
    await update_where(User, {"_id": mo.user.id}, {"$set": {"role": Role.MODERATOR}})
    mo = await chat.person("m1", "Mo")
    member = await chat.person("p1", "Pat")
    assert plain((await moderation.money_flags(mo)).body).startswith("No open money flags")

    posted = await posting.post(member, challenge_data(title="Fund me"))
    assert posted.card is not None
    started, _ = await escrow.start_funding(deps, member.user.id, posted.card.challenge_id)
    held = await Escrow.get(started.id)
    assert held is not None
    await raise_flag(FlagKind.MISMATCH, held, f"mismatch:{held.id}:payment",
                     "the gateway reports 300.00 USD received, the ledger 0.00 USD")

    with pytest.raises(Forbidden):
        await moderation.money_flags(member)
    shown = plain((await moderation.money_flags(mo)).body)
    assert shown.startswith("Open money flags (1)")
    assert "mismatch: the gateway reports 300.00 USD received" in shown
    assert held.id in shown and posted.card.challenge_id in shown
    await clear_flag(f"mismatch:{held.id}:payment")
    assert plain((await moderation.money_flags(mo)).body).startswith("No open money flags")
