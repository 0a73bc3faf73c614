from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from domain.errors import ValidationFailed
from domain.models.challenges import Challenge
from domain.models.common import utcnow
from domain.services import applications, challenges
from domain.views import ChallengeOut, render
from tests.conftest import Users, challenge_data


@pytest.fixture
async def catalogue(deps, users: Users):
    alice, bob = await users.make("alice"), await users.make("bob")
    specs = [
        dict(title="Parse logs fast", category="engineering", tags=["python"],
             reward={"amount": 5_000, "currency": "usd"}, deadline_days=10),
        dict(title="Logo for a club", category="design", tags=["logo"],
             reward={"amount": 15_000, "currency": "eur"}, deadline_days=2),
        dict(title="Rust port of parser", category="engineering", tags=["rust"],
             reward={"amount": 90_000, "currency": "usd"}, deadline_days=None),
        dict(title="Translate docs", category="writing", tags=["spanish"],
             reward={"amount": 1_000, "currency": "usd"}, deadline_days=5),
        dict(title="Unlisted secret work", category="engineering", tags=["python"],
             reward={"amount": 7_000, "currency": "usd"}, deadline_days=None,
             visibility="unlisted"),
    ]
    posted = []
    for spec in specs:
        days = spec.pop("deadline_days")
        deadline = (utcnow() + timedelta(days=days)).isoformat() if days else None
        posted.append(await challenges.post_challenge(
            deps, alice.id, challenge_data(milestones=None, deadline=deadline, **spec)))
    await applications.apply(deps, bob.id, posted[3].id, {"proposal": "hola"})
    return posted


async def titles(query) -> list[str]:
    items, _ = await challenges.list_challenges(query)
    return [c.title for c in items]


async def test_filters(catalogue) -> None:
    assert await titles({"category": "Engineering"}) == ["Rust port of parser", "Parse logs fast"]
    assert await titles({"tag": "logo"}) == ["Logo for a club"]
    assert await titles({"q": "PARSE"}) == ["Rust port of parser", "Parse logs fast"]
    # Reward bounds are minor units of the named currency: EUR 150 is not between USD 50 and 200.
    assert await titles({"currency": "usd", "min_reward": 5_000, "max_reward": 20_000}) == [
        "Parse logs fast"]
    assert await titles({"currency": "eur", "min_reward": 5_000}) == ["Logo for a club"]
    assert await titles({"q": ".*"}) == []  # regex characters are searched literally
    assert await titles({"state": "cancelled"}) == []


async def test_sorts(catalogue) -> None:
    assert await titles({"sort": "reward", "currency": "usd"}) == [
        "Rust port of parser", "Parse logs fast", "Translate docs"]
    assert await titles({"sort": "deadline"}) == [
        "Logo for a club", "Translate docs", "Parse logs fast", "Rust port of parser"]
    assert (await titles({"sort": "popular"}))[0] == "Translate docs"


@pytest.mark.parametrize("sort", ["newest", "reward", "deadline", "popular"])
async def test_cursor_pagination_visits_each_once(catalogue, sort) -> None:
    one_currency = {"currency": "usd"} if sort == "reward" else {}
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        query = {"sort": sort, "limit": 1, **one_currency, **({"cursor": cursor} if cursor else {})}
        items, cursor = await challenges.list_challenges(query)
        seen += [c.title for c in items]
        if cursor is None:
            break
    assert sorted(seen) == sorted(await titles({"sort": sort, **one_currency}))
    assert len(seen) == (3 if one_currency else 4)


@pytest.mark.parametrize("query", [
    {"sort": "random"}, {"limit": 0}, {"limit": 1000}, {"min_reward": -1},
    {"cursor": "garbage!!"}, {"state": "bogus"}, {"state": "removed"}, {"tag": "a b"},
    {"unknown": "x"}, {"min_reward": 1}, {"max_reward": 1}, {"sort": "reward"},
])
async def test_bad_queries_are_refused(catalogue, query) -> None:
    with pytest.raises(ValidationFailed):
        await challenges.list_challenges(query)


async def test_a_listed_challenge_renders_as_its_attributes_do(catalogue) -> None:
    # render reads a model's fields from its __dict__; the answer is the attributes' one.
    items, _ = await challenges.list_challenges({"sort": "newest"})
    assert items
    for challenge in items:
        by_attributes = ChallengeOut.model_validate(challenge, from_attributes=True)
        assert render(ChallengeOut, challenge) == by_attributes.model_dump(mode="json")
    # Not a model (or a model without every field): read as attributes, as before.
    stand_in = SimpleNamespace(**items[0].model_dump())
    assert render(ChallengeOut, stand_in) == render(ChallengeOut, items[0])


async def test_listed_challenges_are_never_stale_nor_shared(catalogue) -> None:
    # Listing pages keep validated challenges between requests (services/validated_cache):
    # a change by any path shows at once, and changing what a page returned changes nothing.
    first, _ = await challenges.list_challenges({"sort": "newest"})
    target = first[0]
    await Challenge.get_pymongo_collection().update_one(
        {"_id": target.id}, {"$set": {"title": "Changed behind the service's back"}})
    again, _ = await challenges.list_challenges({"sort": "newest"})
    assert again[0].id == target.id and again[0].title == "Changed behind the service's back"
    again[0].tags.append("mutated")
    again[0].milestones.append(again[0].milestones[0])
    again[0].title = "mutated"
    third, _ = await challenges.list_challenges({"sort": "newest"})
    fresh = await Challenge.get(target.id)
    assert fresh is not None and third[0] == fresh and third[0] is not again[0]
    assert "mutated" not in third[0].tags and len(third[0].milestones) == len(fresh.milestones)
