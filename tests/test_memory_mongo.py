"""The in-memory MongoDB shim, on its own: the async surface Beanie relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pymongo import IndexModel, ReturnDocument
from pymongo.errors import DuplicateKeyError

from domain.adapters.memory_mongo import MemoryMongoClient


@pytest.fixture
def collection():
    return MemoryMongoClient()["shim_test"]["things"]


async def test_insert_find_and_cursor(collection) -> None:
    await collection.insert_many([{"_id": i, "n": i % 3} for i in range(10)])
    cursor = collection.find({"n": 1}, sort=[("_id", -1)], limit=2)
    assert [d["_id"] async for d in cursor] == [7, 4]
    assert await collection.count_documents({"n": 0}) == 4
    assert (await collection.find_one({"_id": 5}))["n"] == 2
    assert await collection.find({}).skip(8).to_list() == [{"_id": 8, "n": 2}, {"_id": 9, "n": 0}]


async def test_find_one_answers_like_find(collection) -> None:
    # find_one skips mongomock's cursor; it must still compare aware datetimes with the
    # stored (naive UTC) ones, project, and copy.
    at = datetime(2026, 1, 1, 12, tzinfo=UTC)
    await collection.insert_many([{"_id": i, "at": at + timedelta(hours=i), "tags": ["x"]}
                                  for i in range(3)])
    found = await collection.find_one({"at": {"$gt": at}})
    assert found["_id"] == 1
    assert await collection.find_one({"at": {"$gt": at + timedelta(days=1)}}) is None
    assert await collection.find_one({"_id": 2}, projection={"tags": 1}) == {"_id": 2,
                                                                            "tags": ["x"]}
    found["tags"].append("changed")
    assert (await collection.find_one({"_id": 1}))["tags"] == ["x"]


async def test_find_one_and_update_is_conditional(collection) -> None:
    await collection.insert_one({"_id": "a", "state": "open", "v": 0})
    first = await collection.find_one_and_update(
        {"_id": "a", "state": "open"}, {"$set": {"state": "done"}, "$inc": {"v": 1}},
        return_document=ReturnDocument.AFTER)
    second = await collection.find_one_and_update(
        {"_id": "a", "state": "open"}, {"$set": {"state": "done"}},
        return_document=ReturnDocument.AFTER)
    assert first == {"_id": "a", "state": "done", "v": 1}
    assert second is None


async def test_unique_and_partial_indexes(collection) -> None:
    await collection.create_indexes([
        IndexModel([("email", 1)], unique=True,
                   partialFilterExpression={"email": {"$type": "string"}})])
    await collection.insert_one({"email": "a@x.io"})
    await collection.insert_one({"email": None})
    await collection.insert_one({"email": None})  # partial: nulls are not indexed
    with pytest.raises(DuplicateKeyError):
        await collection.insert_one({"email": "a@x.io"})
    assert "email_1" in await collection.index_information()


async def test_aggregate_and_distinct(collection) -> None:
    await collection.insert_many([{"k": "a", "n": 1}, {"k": "a", "n": 2}, {"k": "b", "n": 5}])
    cursor = await collection.aggregate([{"$group": {"_id": "$k", "total": {"$sum": "$n"}}},
                                         {"$sort": {"_id": 1}}])
    assert await cursor.to_list() == [{"_id": "a", "total": 3}, {"_id": "b", "total": 5}]
    assert sorted(await collection.distinct("k")) == ["a", "b"]


async def test_sessions_are_refused(collection) -> None:
    with pytest.raises(NotImplementedError):
        await collection.insert_one({"x": 1}, session=object())
    with pytest.raises(NotImplementedError):
        collection.database.client.start_session()


async def test_database_commands(collection) -> None:
    database = collection.database
    assert (await database.command({"buildInfo": 1}))["version"].startswith("7.")
    await collection.insert_one({"x": 1})
    assert "things" in await database.list_collection_names()
    with pytest.raises(NotImplementedError):
        await database.command({"replSetGetStatus": 1})
