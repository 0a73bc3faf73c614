"""The in-memory store's one-pass insert stores what mongomock's insert stores and refuses what
it refuses."""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime, timedelta, timezone

import mongomock
from bson import ObjectId
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.adapters.memory_documents import stored_copy
from domain.adapters.memory_mongo import MemoryMongoClient

LEAVES = st.one_of(st.text(max_size=3), st.integers(-2**70, 2**70), st.floats(allow_nan=False),
                   st.booleans(), st.none(), st.just(ObjectId("0" * 24)),
                   st.datetimes(timezones=st.sampled_from([None, UTC,
                                                           timezone(timedelta(hours=5))])),
                   st.just(b"bytes"), st.just(1j))
KEYS = st.sampled_from(["a", "b", "$c", "d.e", "f\0", "_id"])
VALUES = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=2), st.tuples(inner), st.dictionaries(KEYS, inner, max_size=2)),
    max_leaves=5)
DOCS = st.dictionaries(KEYS, VALUES, max_size=4)


def _insert(collection, doc):
    try:
        collection.insert_one(doc)
    except Exception as exc:  # the kind of refusal is what is compared
        return type(exc).__name__
    return None


@settings(max_examples=500, deadline=None)
@given(doc=DOCS)
def test_a_plain_insert_stores_what_mongomock_stores(doc) -> None:
    fast = MemoryMongoClient()["d"]["c"]._sync
    slow = mongomock.MongoClient()["d"]["c"]
    given_fast, given_slow = dict(doc), dict(doc)
    assert _insert(fast, given_fast) == _insert(slow, given_slow)
    generated = "_id" not in doc  # a new ObjectId each: compared by kind only
    stored_fast, stored_slow = list(fast.find()), list(slow.find())
    if generated:
        assert [type(d.pop("_id")) for d in stored_fast] == [
            type(d.pop("_id")) for d in stored_slow]
        assert ("_id" in given_fast) == ("_id" in given_slow)  # the caller's got its id
    assert stored_fast == stored_slow


def test_what_is_not_plain_goes_to_mongomock() -> None:
    assert stored_copy(OrderedDict(a=1)) is None
    assert stored_copy({"$set": 1}) is None
    assert stored_copy({"a": {"b\0": 1}}) is None
    assert stored_copy({"a": [1, 1j]}) is None
    at = datetime(2026, 1, 1, 12, 0, 0, 999999, tzinfo=timezone(timedelta(hours=2)))
    assert stored_copy({"a": (at,)}) == {"a": [datetime(2026, 1, 1, 10, 0, 0, 999000)]}
