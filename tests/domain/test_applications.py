from __future__ import annotations

import pytest

from domain.errors import Conflict, Forbidden, InvalidTransition, NotFound, ValidationFailed
from domain.events import ApplicationDecided, ApplicationSubmitted
from domain.models.challenges import Application, Challenge
from domain.services import applications, challenges, moderation
from tests.conftest import Users, challenge_data


@pytest.fixture
async def setup(deps, users: Users):
    alice, bob, carol = await users.make("alice"), await users.make("bob"), await users.make("c")
    challenge = await challenges.post_challenge(deps, alice.id, challenge_data())
    return alice, bob, carol, challenge


async def test_apply_once_not_own(deps, setup) -> None:
    alice, bob, _, challenge = setup
    app = await applications.apply(deps, bob.id, challenge.id, {"proposal": "  I will.  "})
    assert app.state == "pending" and app.proposal == "I will."
    assert any(isinstance(e, ApplicationSubmitted) for e in deps.bus.published)
    with pytest.raises(Conflict, match="already applied"):
        await applications.apply(deps, bob.id, challenge.id, {"proposal": "again"})
    with pytest.raises(Forbidden):
        await applications.apply(deps, alice.id, challenge.id, {"proposal": "myself"})
    assert (await Challenge.get(challenge.id)).application_count == 1
    with pytest.raises(NotFound):
        await applications.apply(deps, bob.id, "missing", {"proposal": "x"})


@pytest.mark.parametrize("data", [{}, {"proposal": ""}, {"proposal": "  "},
                                  {"proposal": "x" * 5001}, {"proposal": 3},
                                  {"proposal": "ok", "extra": 1}, ["proposal"]])
async def test_apply_refuses_bad_input(deps, setup, data) -> None:
    _, bob, _, challenge = setup
    with pytest.raises(ValidationFailed):
        await applications.apply(deps, bob.id, challenge.id, data)
    assert await Application.count() == 0
    assert (await Challenge.get(challenge.id)).application_count == 0


async def test_listing_visibility(deps, setup, users: Users) -> None:
    alice, bob, carol, challenge = setup
    await applications.apply(deps, bob.id, challenge.id, {"proposal": "b"})
    await applications.apply(deps, carol.id, challenge.id, {"proposal": "c"})
    mod = await users.make("mod", role="moderator")
    assert len(await applications.list_applications(alice.id, challenge.id)) == 2
    assert len(await applications.list_applications(mod.id, challenge.id)) == 2
    own = await applications.list_applications(bob.id, challenge.id)
    assert [a.solver_id for a in own] == [bob.id]
    assert [a.solver_id for a in await applications.my_applications(carol.id)] == [carol.id]


async def test_accept_rejects_the_others_and_starts_the_challenge(deps, setup) -> None:
    alice, bob, carol, challenge = setup
    app_b = await applications.apply(deps, bob.id, challenge.id, {"proposal": "b"})
    app_c = await applications.apply(deps, carol.id, challenge.id, {"proposal": "c"})
    with pytest.raises(Forbidden):
        await applications.accept(deps, bob.id, app_b.id)
    accepted = await applications.accept(deps, alice.id, app_b.id)
    assert accepted.state == "accepted"
    stored = await Challenge.get(challenge.id)
    assert stored.state == "in_progress" and stored.solver_id == bob.id
    assert (await Application.get(app_c.id)).state == "rejected"
    decided = {e.state for e in deps.bus.published if isinstance(e, ApplicationDecided)}
    assert decided == {"accepted", "rejected"}
    with pytest.raises(InvalidTransition):
        await applications.accept(deps, alice.id, app_b.id)
    with pytest.raises(InvalidTransition):
        await applications.accept(deps, alice.id, app_c.id)


async def test_reject_and_withdraw_transitions(deps, setup) -> None:
    alice, bob, carol, challenge = setup
    app_b = await applications.apply(deps, bob.id, challenge.id, {"proposal": "b"})
    app_c = await applications.apply(deps, carol.id, challenge.id, {"proposal": "c"})
    with pytest.raises(Forbidden):
        await applications.reject(deps, carol.id, app_b.id)
    assert (await applications.reject(deps, alice.id, app_b.id)).state == "rejected"
    with pytest.raises(InvalidTransition):
        await applications.withdraw(deps, bob.id, app_b.id)
    with pytest.raises(Forbidden):
        await applications.withdraw(deps, bob.id, app_c.id)
    with pytest.raises(Forbidden):
        await applications.withdraw(deps, alice.id, app_c.id)
    assert (await applications.withdraw(deps, carol.id, app_c.id)).state == "withdrawn"
    with pytest.raises(InvalidTransition):
        await applications.accept(deps, alice.id, app_c.id)
    with pytest.raises(InvalidTransition):
        await applications.reject(deps, alice.id, app_c.id)
    assert (await Challenge.get(challenge.id)).state == "open"


async def test_banned_solver_cannot_apply_or_withdraw(deps, setup, users: Users) -> None:
    _, bob, _, challenge = setup
    app = await applications.apply(deps, bob.id, challenge.id, {"proposal": "b"})
    mod = await users.make("mod", role="moderator")
    await moderation.ban(deps, mod.id, bob.id)
    with pytest.raises(Forbidden):
        await applications.withdraw(deps, bob.id, app.id)
    assert (await Application.get(app.id)).state == "pending"
