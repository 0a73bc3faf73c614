"""The in-memory store's fast matcher never disagrees with mongomock's: where it answers, it
answers the same; elsewhere it says it is not sure."""

from __future__ import annotations

from datetime import UTC, datetime

from bson import ObjectId
from hypothesis import given, settings
from hypothesis import strategies as st
from mongomock.filtering import filter_applies

from domain.adapters.memory_filter import compile_filter

OIDS = [ObjectId("0" * 23 + str(i)) for i in range(3)]
SCALARS = st.one_of(st.sampled_from(["a", "b", "", "é"]), st.integers(-2, 2),
                    st.sampled_from([0.0, 1.0, 1.5, float("nan")]), st.booleans(), st.none(),
                    st.sampled_from(OIDS),
                    st.sampled_from([datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2)]))
VALUES = st.one_of(SCALARS, SCALARS, st.lists(SCALARS, max_size=3),
                   st.fixed_dictionaries({"x": SCALARS}))
DOCS = st.fixed_dictionaries({}, optional={"k": VALUES, "n": VALUES,
                                           "sub": st.one_of(st.fixed_dictionaries(
                                               {}, optional={"x": VALUES}), SCALARS,
                                               st.lists(st.fixed_dictionaries({"x": SCALARS}),
                                                        max_size=2))})
FIELDS = st.sampled_from(["k", "n", "sub.x", "sub"])
OPERATORS = st.sampled_from(["$eq", "$ne", "$gt", "$gte", "$lt", "$lte"])
CONDITIONS = st.one_of(
    SCALARS,
    st.dictionaries(OPERATORS, SCALARS, min_size=1, max_size=2),
    st.fixed_dictionaries({"$in": st.lists(SCALARS, min_size=1, max_size=3)}),
    st.fixed_dictionaries({"$exists": st.booleans()}),
    st.fixed_dictionaries({"$regex": st.just("a")}),
)
LEAVES = st.dictionaries(FIELDS, CONDITIONS, max_size=2)
FILTERS = st.recursive(LEAVES, lambda inner: st.one_of(
    st.fixed_dictionaries({"$and": st.lists(inner, min_size=1, max_size=3)}),
    st.fixed_dictionaries({"$or": st.lists(inner, min_size=1, max_size=3)}),
    st.tuples(LEAVES, st.lists(inner, min_size=1, max_size=2)).map(
        lambda pair: {**pair[0], "$and": pair[1]})), max_leaves=6)


@settings(max_examples=600, deadline=None)
@given(filter=FILTERS, docs=st.lists(DOCS, min_size=1, max_size=5))
def test_fast_matcher_agrees_with_mongomock(filter, docs) -> None:  # type: ignore[no-untyped-def]
    matcher = compile_filter(filter)
    for doc in docs:
        try:
            expected = filter_applies(filter, doc)
        except Exception:  # mongomock refuses the filter itself: no verdict to compare
            continue
        if matcher is not None:
            verdict = matcher(doc)
            assert verdict in (None, expected), (filter, doc, verdict, expected)


def test_the_listing_filters_are_decided_without_mongomock() -> None:
    listing = {"state": "open", "visibility": "public", "reward.amount": {"$lte": 5000},
               "$and": [{"$or": [{"created_at": {"$lt": datetime(2026, 1, 2, tzinfo=UTC)}},
                                 {"_id": {"$lt": "abc"}}]}]}
    matcher = compile_filter(listing)
    assert matcher is not None
    doc = {"_id": "abb", "state": "open", "visibility": "public", "reward": {"amount": 10},
           "created_at": datetime(2026, 1, 1, tzinfo=UTC)}
    assert matcher(doc) is True
    assert matcher({**doc, "state": "funded"}) is False


def test_null_and_bool_equalities_are_decided_without_mongomock() -> None:
    # The sockets' token re-check: thousands of tokens, each was left to mongomock's $in.
    live = compile_filter({"token_hash": {"$in": ["a", "b"]}, "revoked_at": None})
    assert live is not None
    assert live({"token_hash": "a", "revoked_at": None}) is True
    assert live({"token_hash": "b"}) is True  # missing is null
    assert live({"token_hash": "a", "revoked_at": datetime(2026, 1, 1, tzinfo=UTC)}) is False
    allowed = compile_filter({"_id": {"$in": ["u1"]}, "banned": False})
    assert allowed is not None
    assert allowed({"_id": "u1", "banned": False}) is True
    assert allowed({"_id": "u1", "banned": True}) is False
    assert allowed({"_id": "u1", "banned": 0}) is None  # mongomock's call
