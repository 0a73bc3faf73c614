"""The in-memory store's fast update path changes documents exactly as mongomock's update
does (same document, same counts, same errors) and keeps the hash indexes and unique indexes
right."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import mongomock
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from mongomock.filtering import filter_applies
from pymongo.errors import DuplicateKeyError, PyMongoError

from domain.adapters.memory_mongo import MemoryMongoClient
from domain.adapters.memory_update import update_one

SCALARS = st.one_of(st.sampled_from(["a", "b", ""]), st.integers(-2, 2),
                    st.sampled_from([0.5, 1.0]), st.booleans(), st.none(),
                    st.sampled_from([datetime(2026, 1, 1, 12, 0, 0, 123456, tzinfo=UTC),
                                     datetime(2026, 1, 2)]))
VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=2), st.fixed_dictionaries({"x": SCALARS}))
FIELDS = st.sampled_from(["k", "n", "m"])
DOCS = st.fixed_dictionaries({"_id": st.just(1)}, optional={"k": VALUES, "n": VALUES})
UPDATES = st.dictionaries(st.sampled_from(["$set", "$unset", "$inc", "$max", "$min"]),
                          st.dictionaries(FIELDS, VALUES, min_size=1, max_size=2),
                          min_size=1, max_size=2)


def _outcome(run, *args):
    try:
        result = run(*args)
    except (PyMongoError, TypeError, ValueError) as exc:
        return type(exc).__name__
    return None if result is None else (result.matched_count, result.modified_count)


def _pair(indexed: bool):
    slow = mongomock.MongoClient()["d"]["c"]
    if not indexed:
        return mongomock.MongoClient()["d"]["c"], slow
    fast = MemoryMongoClient()["d"]["c"]._sync  # hash-indexed, as the application's
    for c in (fast, slow):
        c.create_index([("k", 1)], unique=True)
        c.create_index([("n", 1), ("m", 1)])
        c.insert_one({"_id": 2, "k": "b", "n": 1})
    return fast, slow


@settings(max_examples=400, deadline=None)
@given(doc=DOCS, update=UPDATES, indexed=st.booleans(), doc_id=st.sampled_from([1, "c1"]),
       query_id=st.sampled_from(["same", "same", "c9"]))
def test_the_fast_path_updates_as_mongomock_does(doc, update, indexed, doc_id,
                                                 query_id) -> None:
    # str ids (the domain's) are found in the document map, others by mongomock's matching.
    doc = {**doc, "_id": doc_id}
    query = {"_id": doc_id if query_id == "same" else query_id}
    # An array holding "b" duplicates "b" in a unique index here as in MongoDB (its elements
    # are keys), not in mongomock: those updates are not compared.
    assume(not indexed or not any(isinstance(value, list) for fields in update.values()
                                  for name, value in fields.items() if name == "k"))
    fast, slow = _pair(indexed)
    try:  # (an array holding "b" is a duplicate of "b" here as in MongoDB, not in mongomock)
        slow.insert_one(dict(doc))
        fast.insert_one(dict(doc))
    except DuplicateKeyError:
        return
    answered = _outcome(update_one, fast, query, update, {})
    expected = _outcome(slow.update_one, query, update)
    if answered is None:  # outside the subset: nothing done, mongomock decides
        assert fast.find_one({"_id": doc_id}) == _stored(doc)
    elif isinstance(expected, str):  # refused: nothing changed (mongomock may leave half)
        assert answered == expected
        assert fast.find_one({"_id": doc_id}) == _stored(doc)
    else:
        assert answered == expected
        assert fast.find_one({"_id": doc_id}) == slow.find_one({"_id": doc_id})
    # The hash indexes find what a scan of the documents finds.
    stored = list(fast._store._documents.values())
    for value in ("a", "b", "", 0, 1, 2, None):
        for field in ("k", "n"):
            assert sorted((d["_id"] for d in fast.find({field: value})), key=repr) == sorted(
                (d["_id"] for d in stored if filter_applies({field: value}, d)), key=repr)


def _stored(doc):
    c = mongomock.MongoClient()["d"]["c"]
    c.insert_one(dict(doc))
    return c.find_one()


def test_the_fast_path_leaves_the_rest_to_mongomock() -> None:
    c = mongomock.MongoClient()["d"]["c"]
    c.insert_one({"_id": 1, "a": {"b": 1}, "l": [1]})
    for update in ({"$set": {"a.b": 2}}, {"$push": {"l": 2}}, {"$set": {"_id": 2}},
                   {"$set": {"x": 1}, "$inc": {"x": 1}}, {"$set": {}}, {}, {"x": 1}):
        assert update_one(c, {"_id": 1}, update, {}) is None
    assert update_one(c, {"_id": 1}, {"$set": {"x": 1}}, {"upsert": True}) is None
    assert c.find_one({"_id": 1}) == {"_id": 1, "a": {"b": 1}, "l": [1]}


def _run(coroutine):
    return asyncio.new_event_loop().run_until_complete(coroutine)


def test_updates_keep_the_indexes_and_unique_keys_right() -> None:
    async def scenario() -> None:
        things = MemoryMongoClient()["d"]["things"]
        await things.create_index([("key", 1)], unique=True)
        await things.create_index([("group", 1)])
        await things.insert_many([{"_id": i, "key": f"k{i}", "group": "a", "n": 0}
                                  for i in range(3)])
        result = await things.update_one({"_id": 1}, {"$set": {"group": "b"}, "$inc": {"n": 2}})
        assert (result.matched_count, result.modified_count) == (1, 1)
        assert [d["_id"] for d in await things.find({"group": "b"}).to_list()] == [1]
        assert [d["_id"] for d in await things.find({"group": "a"}).to_list()] == [0, 2]
        with pytest.raises(DuplicateKeyError):  # refused, and rolled back in place
            await things.update_one({"_id": 2}, {"$set": {"key": "k0", "group": "b"}})
        assert await things.find_one({"_id": 2}) == {"_id": 2, "key": "k2", "group": "a",
                                                     "n": 0}
        assert [d["_id"] for d in await things.find({"group": "a"}).to_list()] == [0, 2]
        assert [d["_id"] for d in await things.find({"key": "k2"}).to_list()] == [2]
        unchanged = await things.update_one({"_id": 0}, {"$max": {"n": -1}})
        assert (unchanged.matched_count, unchanged.modified_count) == (1, 0)
        missing = await things.update_one({"_id": 9}, {"$set": {"n": 1}})
        assert (missing.matched_count, missing.modified_count) == (0, 0)
        at = datetime(2026, 3, 1, 8, 30, 0, 999999, tzinfo=UTC)  # stored naive, milliseconds
        await things.update_one({"key": "k0"}, {"$set": {"at": at}})
        assert (await things.find_one({"_id": 0}))["at"] == datetime(2026, 3, 1, 8, 30, 0,
                                                                     999000)

    _run(scenario())
