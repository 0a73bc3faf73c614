"""Bad input to the services that move money or change state: refused, and nothing changes."""

from __future__ import annotations

import pytest

from domain.errors import ValidationFailed
from domain.models.challenges import Challenge
from domain.models.escrow import Escrow
from domain.models.social import Report
from domain.models.users import User
from domain.services import challenges, escrow, escrow_settlement, moderation
from tests.conftest import Users
from tests.domain.escrow_helpers import accepted_challenge, fund

BAD_TEXT = [None, "", "   ", 7, ["list"], {"a": 1}, "x" * 10_001]


@pytest.fixture
async def funded(deps, users: Users):
    alice, bob, challenge = await accepted_challenge(deps, users)
    await fund(deps, alice.id, challenge.id)
    return alice, bob, challenge


async def _snapshot(challenge_id: str) -> tuple:
    esc = await Escrow.find_one({"challenge_id": challenge_id})
    ch = await Challenge.get(challenge_id)
    return esc.model_dump(), ch.model_dump()


@pytest.mark.parametrize("note", BAD_TEXT)
async def test_submit_bad_note(deps, funded, note) -> None:
    _, bob, challenge = funded
    before = await _snapshot(challenge.id)
    with pytest.raises(ValidationFailed):
        await escrow.submit_milestone(deps, bob.id, challenge.id, 1, {"note": note})
    assert await _snapshot(challenge.id) == before


@pytest.mark.parametrize("reason", BAD_TEXT)
async def test_dispute_bad_reason(deps, funded, reason) -> None:
    _, bob, challenge = funded
    before = await _snapshot(challenge.id)
    with pytest.raises(ValidationFailed):
        await escrow_settlement.open_dispute(deps, bob.id, challenge.id, {"reason": reason})
    assert await _snapshot(challenge.id) == before


@pytest.mark.parametrize("amounts", [
    {"release_amount": -1, "refund_amount": 30_001}, {"release_amount": 10**12,
                                                      "refund_amount": 0},
    {"release_amount": 1.5, "refund_amount": 29_998.5}, {"release_amount": "30000",
                                                         "refund_amount": 0},
    {"release_amount": 30_000}, {"release_amount": 10_000, "refund_amount": 10_000},
])
async def test_resolve_bad_amounts(deps, funded, users: Users, amounts) -> None:
    _, bob, challenge = funded
    mod = await users.make("mod", role="moderator")
    await escrow_settlement.open_dispute(deps, bob.id, challenge.id, {"reason": "unpaid"})
    before = await _snapshot(challenge.id)
    with pytest.raises(ValidationFailed):
        await escrow_settlement.resolve_dispute(deps, mod.id, challenge.id, amounts)
    assert await _snapshot(challenge.id) == before


@pytest.mark.parametrize("n", [0, -1, True, 1.0, None])
async def test_release_bad_milestone_number(deps, funded, n) -> None:
    alice, _, challenge = funded
    before = await _snapshot(challenge.id)
    with pytest.raises(ValidationFailed):
        await escrow.release_milestone(deps, alice.id, challenge.id, n)
    assert await _snapshot(challenge.id) == before


@pytest.mark.parametrize("edit", [{"reward": {"amount": -100, "currency": "usd"}},
                                  {"reward": {"amount": 100, "currency": "zzz"}},
                                  {"deadline": "2000-01-01T00:00:00Z"}, {"title": ""},
                                  {"owner_id": "someone-else"}, {"state": "completed"}])
async def test_edit_bad_fields(deps, users: Users, edit) -> None:
    from tests.conftest import challenge_data

    alice = await users.make("alice")
    posted = await challenges.post_challenge(deps, alice.id, challenge_data())
    with pytest.raises(ValidationFailed):
        await challenges.edit_challenge(deps, alice.id, posted.id, edit)
    assert (await Challenge.get(posted.id)).model_dump() == posted.model_dump()


@pytest.mark.parametrize("data", [{"reason": ""}, {"reason": 5}, {"reason": "x" * 501},
                                  {"reason": "ok", "forever": True}])
async def test_ban_bad_reason(deps, users: Users, data) -> None:
    mod, bob = await users.make("mod", role="moderator"), await users.make("bob")
    with pytest.raises(ValidationFailed):
        await moderation.ban(deps, mod.id, bob.id, data)
    assert not (await User.get(bob.id)).banned


@pytest.mark.parametrize("data", [{}, {"target_type": "user", "target_id": "", "reason": "r"},
                                  {"target_type": "user", "target_id": "u", "reason": ""},
                                  {"target_type": "user", "target_id": "u" * 65, "reason": "r"}])
async def test_report_bad_input(deps, users: Users, data) -> None:
    bob = await users.make("bob")
    with pytest.raises(ValidationFailed):
        await moderation.report(deps, bob.id, data)
    assert await Report.count() == 0
