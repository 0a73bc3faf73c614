"""The in-memory store's fast sort gives mongomock's (BSON) order, page for page."""

from __future__ import annotations

from datetime import UTC, datetime

import mongomock
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.adapters.memory_collection import indexed
from domain.adapters.memory_cursor import MemoryCursor

values = st.one_of(st.integers(-5, 5), st.floats(-5, 5, allow_nan=False),
                   st.datetimes(timezones=st.just(UTC), min_value=datetime(2000, 1, 1)))
docs = st.lists(st.fixed_dictionaries({
    "n": st.integers(0, 3), "v": values, "s": st.text("abcé", max_size=3),
    "deep": st.fixed_dictionaries({"amount": st.integers(0, 9)})}), max_size=25)
sorts = st.sampled_from([[("n", 1), ("_id", 1)], [("deep.amount", -1), ("_id", -1)],
                         [("s", 1)], [("v", -1)], [("n", 1), ("s", -1)]])


@settings(max_examples=150, deadline=None)
@given(docs=docs, sort=sorts, skip=st.integers(0, 5), limit=st.integers(0, 8))
async def test_fast_sort_matches_mongomock(docs, sort, skip, limit) -> None:  # type: ignore[no-untyped-def]
    collection = mongomock.MongoClient().db.items
    for i, doc in enumerate(docs):
        collection.insert_one({"_id": f"{i:03d}", **doc})
    expected = list(collection.find({"n": {"$lte": 2}}).sort(sort).skip(skip).limit(limit))
    cursor = MemoryCursor(collection.find({"n": {"$lte": 2}}).sort(sort).skip(skip).limit(limit))
    got = await cursor.to_list()
    assert [d["_id"] for d in got] == [d["_id"] for d in expected]


@settings(max_examples=100, deadline=None)
@given(docs=docs, sort=sorts, limit=st.integers(1, 8), bump=st.integers(0, 3))
async def test_cached_sort_walk_matches_mongomock(docs, sort, limit, bump) -> None:  # type: ignore[no-untyped-def]
    # The indexed store walks a cached order of the whole collection; a change in between
    # (here: one document's n) must show in the next page.
    plain = mongomock.MongoClient().db.items
    fast = indexed(mongomock.MongoClient().db, "items")
    for collection in (plain, fast):
        for i, doc in enumerate(docs):
            collection.insert_one({"_id": f"{i:03d}", **doc})
    for round_ in range(2):
        query = {"n": {"$lte": 2}}
        expected = list(plain.find(query).sort(sort).limit(limit))
        got = await MemoryCursor(fast.find(query).sort(sort).limit(limit)).to_list()
        assert [d["_id"] for d in got] == [d["_id"] for d in expected], round_
        for collection in (plain, fast):
            collection.update_one({"_id": f"{bump:03d}"}, {"$set": {"n": 0, "s": "é"}})
