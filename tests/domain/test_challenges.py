from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from domain.events import ChallengePosted, ChallengeUpdated
from domain.models.challenges import Challenge
from domain.models.common import utcnow
from domain.services import applications, challenges, moderation
from tests.conftest import Users, challenge_data


async def test_post_challenge_defaults_and_event(deps, users: Users) -> None:
    alice = await users.make("alice")
    posted = await challenges.post_challenge(deps, alice.id, challenge_data(
        milestones=None, tags=["Python", "python", "perf"]))
    assert posted.state == "open" and posted.category == "engineering"
    assert posted.tags == ["perf", "python"]
    assert [(m.title, m.amount) for m in posted.milestones] == [("Whole reward", 30_000)]
    assert ChallengePosted(challenge_id=posted.id) in deps.bus.published
    fetched = await challenges.get_challenge(posted.id)
    assert fetched.reward.amount == 30_000 and fetched.reward.currency == "usd"


async def test_milestones_must_sum_to_reward(deps, users: Users) -> None:
    alice = await users.make("alice")
    with pytest.raises(ValidationFailed, match="add up"):
        await challenges.post_challenge(deps, alice.id, challenge_data(
            milestones=[{"title": "a", "amount": 1}]))
    assert await Challenge.count() == 0


async def test_edit_only_by_owner_and_before_applications(deps, users: Users) -> None:
    alice, bob = await users.make("alice"), await users.make("bob")
    posted = await challenges.post_challenge(deps, alice.id, challenge_data())
    with pytest.raises(Forbidden):
        await challenges.edit_challenge(deps, bob.id, posted.id, {"title": "Mine now"})
    edited = await challenges.edit_challenge(deps, alice.id, posted.id, {
        "title": "Faster importer", "reward": {"amount": 40_000, "currency": "usd"},
        "milestones": [{"title": "All", "amount": 40_000}]})
    assert edited.title == "Faster importer" and edited.reward.amount == 40_000
    assert ChallengeUpdated(challenge_id=posted.id, state="open") in deps.bus.published
    with pytest.raises(ValidationFailed):  # new reward without new milestones no longer sums
        await challenges.edit_challenge(deps, alice.id, posted.id,
                                        {"milestones": [{"title": "a", "amount": 5}]})
    with pytest.raises(ValidationFailed):
        await challenges.edit_challenge(deps, alice.id, posted.id, {})
    await applications.apply(deps, bob.id, posted.id, {"proposal": "I can do it"})
    with pytest.raises(Conflict):
        await challenges.edit_challenge(deps, alice.id, posted.id, {"title": "Changed later"})


async def test_cancel_transitions(deps, users: Users) -> None:
    alice, bob = await users.make("alice"), await users.make("bob")
    posted = await challenges.post_challenge(deps, alice.id, challenge_data())
    with pytest.raises(Forbidden):
        await challenges.cancel_challenge(deps, bob.id, posted.id)
    cancelled = await challenges.cancel_challenge(deps, alice.id, posted.id)
    assert cancelled.state == "cancelled"
    with pytest.raises(Conflict):
        await challenges.cancel_challenge(deps, alice.id, posted.id)
    with pytest.raises(Conflict):
        await applications.apply(deps, bob.id, posted.id, {"proposal": "late"})


async def test_in_progress_challenge_cannot_be_cancelled(deps, users: Users) -> None:
    alice, bob = await users.make("alice"), await users.make("bob")
    posted = await challenges.post_challenge(deps, alice.id, challenge_data())
    app = await applications.apply(deps, bob.id, posted.id, {"proposal": "me"})
    await applications.accept(deps, alice.id, app.id)
    with pytest.raises(Conflict, match="refund"):
        await challenges.cancel_challenge(deps, alice.id, posted.id)


async def test_removed_challenge_is_hidden_except_from_owner_and_moderators(deps,
                                                                          users: Users) -> None:
    alice, bob = await users.make("alice"), await users.make("bob")
    mod = await users.make("mod", role="moderator")
    posted = await challenges.post_challenge(deps, alice.id, challenge_data())
    await moderation.remove_challenge(deps, mod.id, posted.id, "spam")
    with pytest.raises(NotFound):
        await challenges.get_challenge(posted.id, bob)
    with pytest.raises(NotFound):
        await challenges.get_challenge(posted.id)
    assert (await challenges.get_challenge(posted.id, alice)).state == "removed"
    assert (await challenges.get_challenge(posted.id, mod)).state == "removed"
    with pytest.raises(Conflict):
        await moderation.remove_challenge(deps, mod.id, posted.id)


@pytest.mark.parametrize("override", [
    {"title": ""}, {"title": "ab"}, {"title": "x" * 121}, {"title": 42},
    {"description": "   "}, {"description": "d" * 10_001},
    {"reward": {"amount": -5, "currency": "usd"}}, {"reward": {"amount": 0, "currency": "usd"}},
    {"reward": {"amount": 10**13, "currency": "usd"}},
    {"reward": {"amount": 12.5, "currency": "usd"}},
    {"reward": {"amount": "100", "currency": "usd"}},
    {"reward": {"amount": 100, "currency": "xyz"}},
    {"reward": {"amount": 100}},
    {"deadline": "2001-01-01T00:00:00Z"}, {"deadline": "2099-01-01T00:00:00"},
    {"deadline": "tomorrow"},
    {"difficulty": "impossible"}, {"tags": ["ok", "not ok!"]}, {"tags": "python"},
    {"tags": [f"t{i}" for i in range(11)]}, {"visibility": "secret"},
    {"milestones": [{"title": "a", "amount": -1}]}, {"unexpected": True},
])
async def test_post_refuses_bad_input_and_stores_nothing(deps, users: Users, override) -> None:
    alice = await users.make("alice")
    with pytest.raises(ValidationFailed):
        await challenges.post_challenge(deps, alice.id, challenge_data(**override))
    assert await Challenge.count() == 0
    assert not any(isinstance(e, ChallengePosted) for e in deps.bus.published)


async def test_post_requires_a_known_unbanned_user(deps, users: Users) -> None:
    with pytest.raises(Unauthorized):
        await challenges.post_challenge(deps, "nobody", challenge_data())
    mod = await users.make("mod", role="moderator")
    bob = await users.make("bob")
    await moderation.ban(deps, mod.id, bob.id)
    with pytest.raises(Forbidden):
        await challenges.post_challenge(deps, bob.id, challenge_data())


async def test_future_deadline_is_accepted(deps, users: Users) -> None:
    alice = await users.make("alice")
    deadline = (utcnow() + timedelta(days=3)).isoformat()
    posted = await challenges.post_challenge(deps, alice.id, challenge_data(deadline=deadline))
    assert posted.deadline is not None and posted.deadline > utcnow()
