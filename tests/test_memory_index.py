"""The in-memory store's hash indexes answer exactly as mongomock's full scans do."""

from __future__ import annotations

import mongomock
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pymongo.errors import DuplicateKeyError

from domain.adapters.memory_collection import indexed
from domain.adapters.memory_index import IndexedCollectionStore
from domain.adapters.memory_mongo import MemoryMongoClient

# Mostly a few plain values (so queries and updates hit), sometimes what the index cannot hold.
PLAIN = st.sampled_from(["a", "b", 1])
VALUES = st.one_of(PLAIN, PLAIN, PLAIN, st.none(), st.booleans(), st.floats(0, 2),
                   st.lists(PLAIN, max_size=3))
SCALARS = st.one_of(PLAIN, PLAIN, st.none(), st.booleans(), st.floats(0, 2))
DOCS = st.fixed_dictionaries({"k": VALUES, "n": VALUES},
                             optional={"sub": st.fixed_dictionaries({"x": VALUES})})
QUERY_VALUES = st.one_of(PLAIN, st.just(True), st.just(1.0))
QUERIES = st.one_of(
    st.fixed_dictionaries({"k": QUERY_VALUES}),
    st.fixed_dictionaries({"k": QUERY_VALUES, "n": QUERY_VALUES}),
    st.fixed_dictionaries({"sub.x": QUERY_VALUES}),
    st.fixed_dictionaries({"$and": st.lists(st.fixed_dictionaries({"n": QUERY_VALUES}),
                                            min_size=1, max_size=2)}),
    st.fixed_dictionaries({"k": st.fixed_dictionaries({"$eq": QUERY_VALUES})}),
    st.fixed_dictionaries({"_id": st.integers(0, 6)}),
    st.fixed_dictionaries({"k": QUERY_VALUES, "sub.x": QUERY_VALUES}),
    st.fixed_dictionaries({"k": QUERY_VALUES, "n": st.fixed_dictionaries({"$ne": QUERY_VALUES})}),
    # $in on a one-field index or _id (answered from the index), and where none applies.
    st.fixed_dictionaries({"sub.x": st.fixed_dictionaries({"$in": st.lists(QUERY_VALUES,
                                                                           max_size=3)})}),
    st.fixed_dictionaries({"sub.x": st.fixed_dictionaries({"$in": st.lists(PLAIN, max_size=3)}),
                           "n": QUERY_VALUES}),
    st.fixed_dictionaries({"_id": st.fixed_dictionaries({"$in": st.lists(st.integers(0, 6),
                                                                         max_size=3)})}),
    st.fixed_dictionaries({"k": st.fixed_dictionaries({"$in": st.lists(PLAIN, max_size=3)})}),
)
OPS = st.lists(st.one_of(
    st.tuples(st.just("insert"), DOCS),
    st.tuples(st.just("set"), QUERIES, DOCS),
    st.tuples(st.just("delete"), QUERIES),
), max_size=25)


def pair():
    plain = mongomock.MongoClient()["db"]["things"]
    fast = indexed(mongomock.MongoClient()["db"], "things")
    for collection in (plain, fast):
        collection.create_index([("k", 1), ("n", 1)])
        collection.create_index([("sub.x", 1)])
    assert isinstance(fast._store, IndexedCollectionStore)
    return plain, fast


@settings(max_examples=150, deadline=None)
@given(ops=OPS, queries=st.lists(QUERIES, min_size=1, max_size=5))
def test_indexed_answers_like_a_full_scan(ops, queries) -> None:
    plain, fast = pair()
    next_id = 0
    for op in ops:
        for collection in (plain, fast):
            if op[0] == "insert":
                collection.insert_one({"_id": next_id, **op[1]})
            elif op[0] == "set":
                collection.update_many(op[1], {"$set": op[2]})
            else:
                collection.delete_one(op[1])
        next_id += op[0] == "insert"
    for query in queries:
        assert list(fast.find(query)) == list(plain.find(query))
        assert fast.count_documents(query) == plain.count_documents(query)


def test_unique_index_sees_in_place_updates() -> None:
    fast = indexed(mongomock.MongoClient()["db"], "users")
    fast.create_index([("email", 1)], unique=True)
    fast.insert_one({"_id": 1, "email": "a@x"})
    fast.insert_one({"_id": 2, "email": "b@x"})
    with pytest.raises(DuplicateKeyError):
        fast.update_one({"_id": 2}, {"$set": {"email": "a@x"}})
    assert fast.find_one({"email": "b@x"})["_id"] == 2  # rolled back, and still found
    with pytest.raises(DuplicateKeyError):
        fast.insert_one({"_id": 3, "email": "a@x"})
    assert fast.count_documents({}) == 2


def test_index_created_after_data_and_collection_drop() -> None:
    database = mongomock.MongoClient()["db"]
    plain = database["late"]
    plain.insert_many([{"_id": i, "k": i % 2} for i in range(6)])
    fast = indexed(database, "late")
    fast.create_index([("k", 1)])
    assert [d["_id"] for d in fast.find({"k": 1})] == [1, 3, 5]
    fast.drop()
    assert fast.count_documents({"k": 1}) == 0


@settings(max_examples=150, deadline=None)
@given(ops=st.lists(st.one_of(
    st.tuples(st.just("insert"), SCALARS),
    st.tuples(st.just("set"), st.integers(0, 8), SCALARS)), max_size=20))
def test_a_partial_unique_index_refuses_exactly_what_mongomock_refuses(ops) -> None:
    """Users' email is unique among string emails only (partialFilterExpression). Scalars
    only: for arrays mongomock's own unique check is not MongoDB's (nor ours)."""
    plain = mongomock.MongoClient()["db"]["users"]
    fast = indexed(mongomock.MongoClient()["db"], "users")
    for collection in (plain, fast):
        collection.create_index([("email", 1)], unique=True,
                                partialFilterExpression={"email": {"$type": "string"}})
    next_id = 0
    for op in ops:
        outcomes = []
        for collection in (plain, fast):
            try:
                if op[0] == "insert":
                    collection.insert_one({"_id": next_id, "email": op[1]})
                else:
                    collection.update_one({"_id": op[1]}, {"$set": {"email": op[2]}})
                outcomes.append("ok")
            except DuplicateKeyError:
                outcomes.append("duplicate")
        assert outcomes[0] == outcomes[1], op
        next_id += op[0] == "insert" and outcomes[0] == "ok"
    assert list(fast.find({})) == list(plain.find({}))


def test_unique_checks_follow_the_indexes_as_they_change() -> None:
    things = MemoryMongoClient()["d"]["things"]._sync
    things.create_index([("a", 1)], unique=True, name="a")
    things.insert_one({"_id": 1, "a": 1, "b": 1})
    things.drop_index("a")
    things.create_index([("b", 1)], unique=True, name="b")  # as many indexes as before
    things.insert_one({"_id": 2, "a": 1, "b": 2})  # a is no longer unique
    with pytest.raises(DuplicateKeyError):
        things.insert_one({"_id": 3, "a": 3, "b": 2})
    things.drop_indexes()  # mongomock replaces the index dict
    things.insert_one({"_id": 4, "a": 1, "b": 2})
    assert sorted(d["_id"] for d in things.find({"b": 2})) == [2, 4]


# Values for fields under unique indexes: mostly a few plain ones (so duplicates happen),
# sometimes what the maps cannot hold (1.0 equals 1, None equals a missing field). No arrays:
# there mongomock's unique check is not MongoDB's (nor ours).
UNIQUE_VALUES = st.one_of(st.sampled_from(["a", "b", 1, 2]), st.sampled_from([1.0, None, True]))
MESSAGES = st.fixed_dictionaries(
    {"_id": st.integers(0, 12)},
    optional={"conversation": UNIQUE_VALUES, "seq": UNIQUE_VALUES, "client": UNIQUE_VALUES,
              "body": st.sampled_from(["x", "y"])})


@settings(max_examples=300, deadline=None)
@given(docs=st.lists(MESSAGES, max_size=25), sparse=st.booleans())
def test_an_insert_refuses_exactly_what_mongomock_refuses(docs, sparse) -> None:
    """Messages' two compound unique indexes (conversation + seq, conversation + client id),
    and a third unique index that is sparse or not: each insert is admitted or refused as
    mongomock's own insert admits or refuses it, and what is stored is the same."""
    plain = mongomock.MongoClient()["db"]["messages"]
    fast = MemoryMongoClient()["db"]["messages"]._sync
    for collection in (plain, fast):
        collection.create_index([("conversation", 1), ("seq", 1)], unique=True)
        collection.create_index([("conversation", 1), ("client", 1)], unique=True)
        collection.create_index([("body", 1)], unique=True, sparse=sparse)
    for doc in docs:
        outcomes = []
        for collection in (plain, fast):
            given_doc = dict(doc)
            try:
                result = collection.insert_one(given_doc)
                outcomes.append(("ok", result.inserted_id, given_doc["_id"]))
            except DuplicateKeyError:
                outcomes.append(("duplicate",))
        assert outcomes[0] == outcomes[1], doc
    assert list(fast.find({})) == list(plain.find({}))
    for query in ({"conversation": "a"}, {"conversation": "a", "seq": 1}, {"body": "x"}):
        assert list(fast.find(query)) == list(plain.find(query))


def test_in_on_an_index_finds_what_the_index_cannot_hold() -> None:
    # 1.0 equals 1 in MongoDB but is kept out of the hash index (floats are not "plain"):
    # an $in answered from the index must still look at such documents.
    plain, fast = pair()
    for collection in (plain, fast):
        collection.insert_many([{"_id": 1, "sub": {"x": 1.0}}, {"_id": 2, "sub": {"x": 1}},
                                {"_id": 3, "sub": {"x": ["a", 2]}}, {"_id": 4}])
    for query in ({"sub.x": {"$in": [1]}}, {"sub.x": {"$in": ["a", 1]}},
                  {"_id": {"$in": [4, 2, 9]}}, {"sub.x": {"$in": []}}):
        assert list(fast.find(query)) == list(plain.find(query))
    assert [d["_id"] for d in fast.find({"sub.x": {"$in": [1]}})] == [1, 2]
