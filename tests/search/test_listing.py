"""The listing's search through the port, on both adapters: events keep the index current,
visibility is the domain's (unlisted and removed challenges never reach others, even from a
stale index), a node that was down catches up, and a reindex rebuilds everything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.deps import Deps
from domain.models.challenges import Challenge
from domain.models.users import Role
from domain.ports import SearchDocument, SearchIndex
from domain.services import challenges, moderation, search
from domain.services.common import update_where
from tests.conftest import Users, challenge_data


@pytest.fixture
def searching(deps: Deps, index: SearchIndex) -> Deps:
    deps.search = index
    return deps


async def titles(deps: Deps, query: dict[str, object], viewer: object = None) -> list[str]:
    items, _ = await challenges.list_challenges(query, viewer, deps=deps)  # type: ignore[arg-type]
    return [c.title for c in items]


async def test_events_index_and_typos_find(searching: Deps, users: Users) -> None:
    alice = await users.make("alice")
    await challenges.post_challenge(searching, alice.id, challenge_data(
        title="Build a widget factory", milestones=None))
    await challenges.post_challenge(searching, alice.id, challenge_data(
        title="Paint the fence", description="Two coats, white.", milestones=None))
    assert await titles(searching, {"q": "widgit"}) == ["Build a widget factory"]
    assert await titles(searching, {"q": "fen"}) == ["Paint the fence"]


async def test_unlisted_and_removed_never_appear_to_others(searching: Deps, users: Users) -> None:
    alice, bob = await users.make("alice"), await users.make("bob")
    mod = await users.make("mod", Role.MODERATOR)
    public = await challenges.post_challenge(searching, alice.id, challenge_data(
        title="Widget public", milestones=None))
    await challenges.post_challenge(searching, alice.id, challenge_data(
        title="Widget unlisted", visibility="unlisted", milestones=None))
    spam = await challenges.post_challenge(searching, alice.id, challenge_data(
        title="Widget spam", milestones=None))
    await moderation.remove_challenge(searching, mod.id, spam.id)
    assert await titles(searching, {"q": "widget"}, bob) == ["Widget public"]
    assert [s.text for s in await search.suggest(searching, "widg")] == ["Widget public"]
    # The owner's own listing shows her unlisted one; removed ones only moderators list.
    assert set(await titles(searching, {"q": "widget", "owner_id": alice.id}, alice)) == {
        "Widget public", "Widget unlisted"}
    assert await titles(searching, {"q": "widget", "state": "removed"}, mod) == ["Widget spam"]
    # A stale index (the change never reached it) still cannot leak: the store decides.
    await update_where(Challenge, {"_id": public.id}, {"$set": {"visibility": "unlisted"}})
    assert await titles(searching, {"q": "widget"}, bob) == []
    assert await search.suggest(searching, "widg") == []


async def test_new_filters_and_facets(searching: Deps, users: Users) -> None:
    alice = await users.make("alice")
    soon = datetime.now(UTC) + timedelta(days=3)
    later = datetime.now(UTC) + timedelta(days=30)
    await challenges.post_challenge(searching, alice.id, challenge_data(
        title="Widget soon", difficulty="easy", deadline=soon.isoformat(), milestones=None))
    await challenges.post_challenge(searching, alice.id, challenge_data(
        title="Widget later", difficulty="hard", deadline=later.isoformat(), milestones=None))
    middle = (datetime.now(UTC) + timedelta(days=10)).isoformat()
    for query, expected in (({"difficulty": "easy"}, ["Widget soon"]),
                            ({"deadline_before": middle}, ["Widget soon"]),
                            ({"deadline_after": middle}, ["Widget later"])):
        assert await titles(searching, {"q": "widget", **query}) == expected
        assert await titles(searching, query) == expected  # the store's listing agrees
    page = await challenges.search_listing(searching, {"q": "widget"})
    assert page.found == 2 and page.facets["difficulty"] == {"easy": 1, "hard": 1}
    assert "<mark>Widget</mark>" in page.highlights[page.items[0].id]["title"]


async def test_search_pages_with_a_cursor(searching: Deps, users: Users) -> None:
    alice = await users.make("alice")
    for n in range(5):
        await challenges.post_challenge(searching, alice.id, challenge_data(
            title=f"Widget number {n}", milestones=None))
    seen: list[str] = []
    cursor = None
    for _ in range(3):
        page = await challenges.search_listing(
            searching, {"q": "widget", "limit": 2, "sort": "newest",
                        **({"cursor": cursor} if cursor else {})})
        seen += [c.title for c in page.items]
        cursor = page.next_cursor
    assert seen == [f"Widget number {n}" for n in (4, 3, 2, 1, 0)] and cursor is None


async def test_a_node_that_was_down_catches_up(searching: Deps, users: Users) -> None:
    alice = await users.make("alice")
    index = searching.search
    assert index is not None
    await challenges.post_challenge(searching, alice.id, challenge_data(
        title="Seen widget", milestones=None))
    await search.settle(searching)
    searching.search = None  # down: events reach no index (the indexer fails and logs)
    missed = await challenges.post_challenge(searching, alice.id, challenge_data(
        title="Missed parachute", milestones=None))
    await search.settle(searching)  # its index write was tried while the index was away
    searching.search = index
    assert await titles(searching, {"q": "parachute"}) == []
    assert await search.catch_up(searching) >= 1
    assert await titles(searching, {"q": "parachute"}) == ["Missed parachute"]
    # A full rebuild reports its progress and ends with every challenge indexed.
    steps: list[tuple[int, int]] = []
    assert await search.reindex(searching, lambda done, total: steps.append((done, total))) == 2
    assert steps[0] == (0, 2) and steps[-1] == (2, 2)
    assert await index.count() == 2 and missed.id


async def test_a_burst_of_changes_is_indexed_together_and_read_at_once(
        searching: Deps, users: Users, monkeypatch: pytest.MonkeyPatch) -> None:
    alice = await users.make("alice")
    index = searching.search
    assert index is not None
    writes: list[list[str]] = []
    upsert = index.upsert

    async def counted(documents: list[SearchDocument]) -> None:
        writes.append([d.id for d in documents])
        await upsert(documents)

    monkeypatch.setattr(index, "upsert", counted)
    posted = [await challenges.post_challenge(searching, alice.id, challenge_data(
        title=f"Gizmo {n}", milestones=None)) for n in range(3)]
    for n in range(20):  # edits in a burst (each publishes ChallengeUpdated)
        await challenges.edit_challenge(searching, alice.id, posted[0].id,
                                        {"title": f"Gizmo edited {n}"})
    # The search right after sees the last edit: it waits for the pending write, not the window.
    assert await titles(searching, {"q": "edited"}) == ["Gizmo edited 19"]
    assert sum(len(w) for w in writes) < 23 and len(writes) < 23, writes
