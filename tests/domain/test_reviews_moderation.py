from __future__ import annotations

import pytest

from domain.errors import Conflict, Forbidden, NotFound, ValidationFailed
from domain.models.social import AuditEntry, Community
from domain.models.users import User
from domain.services import accounts, communities, escrow, moderation, reviews
from tests.conftest import Users
from tests.domain.escrow_helpers import accepted_challenge, fund


async def completed(deps, users: Users):
    alice, bob, challenge = await accepted_challenge(deps, users, milestones=None)
    await fund(deps, alice.id, challenge.id)
    await escrow.release_milestone(deps, alice.id, challenge.id, 1)
    return alice, bob, challenge


async def test_reviews_both_ways_once_and_reputation(deps, users: Users) -> None:
    alice, bob, challenge = await completed(deps, users)
    review = await reviews.post_review(deps, alice.id, challenge.id,
                                       {"rating": 5, "text": "Fast and clean"})
    assert review.subject_id == bob.id
    await reviews.post_review(deps, bob.id, challenge.id, {"rating": 3})
    with pytest.raises(Conflict):
        await reviews.post_review(deps, alice.id, challenge.id, {"rating": 1, "text": "again"})
    user, listed = await accounts.public_profile(bob.id)
    assert user.reputation == {"average": 5.0, "count": 1} and listed[0].text == "Fast and clean"
    assert (await User.get(alice.id)).reputation == {"average": 3.0, "count": 1}


async def test_review_refused_before_completion_and_for_outsiders(deps, users: Users) -> None:
    alice, _, challenge = await accepted_challenge(deps, users)
    with pytest.raises(Conflict):
        await reviews.post_review(deps, alice.id, challenge.id, {"rating": 4})
    eve = await users.make("eve")
    with pytest.raises(Forbidden):
        await reviews.post_review(deps, eve.id, challenge.id, {"rating": 4})


@pytest.mark.parametrize("data", [{"rating": 0}, {"rating": 6}, {"rating": "5"},
                                  {"rating": 4.5}, {"rating": True}, {"text": "no rating"},
                                  {"rating": 5, "text": "x" * 2001}])
async def test_review_bad_input(deps, users: Users, data) -> None:
    alice, _, challenge = await completed(deps, users)
    with pytest.raises(ValidationFailed):
        await reviews.post_review(deps, alice.id, challenge.id, data)
    assert await reviews.reviews_of_challenge(challenge.id) == []


async def test_ban_unban_are_moderator_only_and_audited(deps, users: Users) -> None:
    mod, bob, eve = (await users.make("mod", role="moderator"), await users.make("bob"),
                     await users.make("eve"))
    with pytest.raises(Forbidden):
        await moderation.ban(deps, eve.id, bob.id)
    banned = await moderation.ban(deps, mod.id, bob.id, {"reason": "spam"})
    assert banned.banned and banned.ban_reason == "spam"
    with pytest.raises(Conflict):
        await moderation.ban(deps, mod.id, bob.id)
    with pytest.raises(Forbidden):
        await moderation.unban(deps, bob.id, bob.id)
    assert not (await moderation.unban(deps, mod.id, bob.id)).banned
    with pytest.raises(Conflict):
        await moderation.unban(deps, mod.id, bob.id)
    with pytest.raises(NotFound):
        await moderation.ban(deps, mod.id, "ghost")
    with pytest.raises(Forbidden):
        await moderation.ban(deps, mod.id, mod.id)
    actions = [e.action async for e in AuditEntry.find({"target_id": bob.id}).sort("at")]
    assert actions == ["user.ban", "user.unban"]


async def test_moderators_cannot_ban_each_other_but_admins_can(deps, users: Users) -> None:
    mod1, mod2 = await users.make("m1", role="moderator"), await users.make("m2", role="moderator")
    admin = await users.make("root", role="admin")
    with pytest.raises(Forbidden):
        await moderation.ban(deps, mod1.id, mod2.id)
    assert (await moderation.ban(deps, admin.id, mod2.id)).banned
    with pytest.raises(Forbidden):
        await moderation.ban(deps, mod1.id, admin.id)
    with pytest.raises(Forbidden):
        await moderation.set_role(deps, mod1.id, mod1.id, "admin")
    promoted = await moderation.set_role(deps, admin.id, mod1.id, "admin")
    assert promoted.role == "admin"


async def test_reports_flow(deps, users: Users) -> None:
    bob, mod = await users.make("bob"), await users.make("mod", role="moderator")
    report = await moderation.report(deps, bob.id, {"target_type": "user", "target_id": mod.id,
                                                    "reason": "rude"})
    with pytest.raises(ValidationFailed):
        await moderation.report(deps, bob.id, {"target_type": "planet", "target_id": "x",
                                               "reason": "r"})
    with pytest.raises(Forbidden):
        await moderation.list_reports(bob.id)
    assert [r.id for r in await moderation.list_reports(mod.id)] == [report.id]
    await moderation.resolve_report(deps, mod.id, report.id)
    assert await moderation.list_reports(mod.id) == []
    with pytest.raises(Conflict):
        await moderation.resolve_report(deps, mod.id, report.id)


async def test_remove_is_moderator_only(deps, users: Users) -> None:
    alice, _, challenge = await accepted_challenge(deps, users)
    with pytest.raises(Forbidden):
        await moderation.remove_challenge(deps, alice.id, challenge.id)


async def test_communities_opt_in_and_out(deps, users: Users) -> None:
    admin = await users.make("chat-admin")
    first = await communities.set_announcements(deps, admin.id, "telegram", "-100123",
                                                "Rustaceans", on=True, chat_admin=True)
    again = await communities.set_announcements(deps, admin.id, "telegram", "-100123",
                                                "Rust group", on=True, chat_admin=True)
    assert first and again and first.id == again.id and again.title == "Rust group"
    assert [c.id for c in await communities.active_communities("telegram")] == [first.id]
    await communities.set_announcements(deps, admin.id, "telegram", "-100123", "Rust group",
                                        on=False, chat_admin=True)
    assert await communities.active_communities("telegram") == []
    assert await Community.count() == 1
    with pytest.raises(ValidationFailed):
        await communities.set_announcements(deps, admin.id, "myspace", "1", "x", on=True,
                                            chat_admin=True)


async def test_only_a_chat_admin_changes_announcements(deps, users: Users) -> None:
    member = await users.make("member")
    for on in (True, False):
        with pytest.raises(Forbidden, match="only admins of “Rustaceans”"):
            await communities.set_announcements(deps, member.id, "discord", "42", "Rustaceans",
                                                on=on, chat_admin=False)
    assert await Community.count() == 0
