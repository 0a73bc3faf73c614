"""Deadlines (the worker's jobs ``remind_deadlines`` and ``expire_deadlines``): a reminder
within 24 hours reaches the owner and the accepted solver once; an open challenge past its
deadline expires and its owner is told."""

from __future__ import annotations

from datetime import timedelta

from domain.deps import Deps
from domain.events import ChallengeExpired, DeadlineApproaching
from domain.models.challenges import Challenge, ChallengeState
from domain.models.common import utcnow
from domain.services import applications, challenges, deadlines, notifications
from domain.services.common import update_where
from tests.conftest import Users, challenge_data


async def posted_with_deadline(deps: Deps, owner_id: str, hours_from_now: float) -> Challenge:
    challenge = await challenges.post_challenge(deps, owner_id, challenge_data(
        deadline=(utcnow() + timedelta(days=30)).isoformat()))
    # Moved by hand: a deadline cannot be posted in the past, but time passes.
    moved = await update_where(Challenge, {"_id": challenge.id}, {"$set": {
        "deadline": utcnow() + timedelta(hours=hours_from_now)}})
    assert moved is not None
    return moved


async def kinds_of(user_id: str) -> list[str]:
    return [n.kind for n in await notifications.inbox(user_id)]


async def test_a_deadline_within_a_day_is_reminded_to_both_sides_once(
        deps: Deps, users: Users) -> None:
    owner, solver = await users.make("owner"), await users.make("solver")
    soon = await posted_with_deadline(deps, owner.id, 5)
    application = await applications.apply(deps, solver.id, soon.id, {"proposal": "mine"})
    await applications.accept(deps, owner.id, application.id)
    later = await posted_with_deadline(deps, owner.id, 48)
    past = await posted_with_deadline(deps, owner.id, -1)

    assert await deadlines.remind_upcoming(deps) == [soon.id]
    assert await deadlines.remind_upcoming(deps) == []  # once
    reminders = [e for e in deps.bus.published if isinstance(e, DeadlineApproaching)]
    assert [(e.challenge_id, set(e.recipient_ids)) for e in reminders] == [
        (soon.id, {owner.id, solver.id})]
    assert "deadline.reminder" in await kinds_of(owner.id)
    assert "deadline.reminder" in await kinds_of(solver.id)
    # The day after, the later one is within 24 hours and gets its own reminder.
    assert await deadlines.remind_upcoming(deps, utcnow() + timedelta(hours=30)) == [later.id]
    assert past.id not in [e.challenge_id for e in deps.bus.published
                           if isinstance(e, DeadlineApproaching)]


async def test_an_open_challenge_past_its_deadline_expires_and_its_owner_is_told(
        deps: Deps, users: Users) -> None:
    owner, solver = await users.make("owner"), await users.make("solver")
    overdue = await posted_with_deadline(deps, owner.id, -2)
    taken = await posted_with_deadline(deps, owner.id, -2)
    application = await applications.apply(deps, solver.id, taken.id, {"proposal": "mine"})
    await applications.accept(deps, owner.id, application.id)
    future = await posted_with_deadline(deps, owner.id, 10)

    assert await deadlines.expire_overdue(deps) == [overdue.id]
    assert await deadlines.expire_overdue(deps) == []
    states = {c.id: c.state for c in await Challenge.find(
        {"_id": {"$in": [overdue.id, taken.id, future.id]}}).to_list()}
    assert states == {overdue.id: ChallengeState.EXPIRED, taken.id: ChallengeState.IN_PROGRESS,
                      future.id: ChallengeState.OPEN}
    assert [e.challenge_id for e in deps.bus.published
            if isinstance(e, ChallengeExpired)] == [overdue.id]
    assert "challenge.expired" in await kinds_of(owner.id)
