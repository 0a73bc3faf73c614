"""An in-memory MongoDB for the embedded mode: mongomock's query engine behind PyMongo's async API.

Beanie 2 talks to PyMongo's ``AsyncMongoClient``; no maintained library emulates that, so this
module adapts mongomock's synchronous collections to the async surface Beanie calls. Every call
runs to completion without yielding to the event loop, which makes each single-document update
atomic, exactly like a real server. Multi-document transactions are not offered (sessions are
refused), so code that works here also works on a real MongoDB.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mongomock
from pymongo import ReturnDocument
from pymongo.results import BulkWriteResult

from domain.adapters.memory_collection import indexed
from domain.adapters.memory_cursor import MemoryCursor, find_first
from domain.adapters.memory_update import update_one as plain_update_one

_SERVER_VERSION = "7.0.0"


def _drop_session(kwargs: dict[str, Any]) -> dict[str, Any]:
    if kwargs.pop("session", None) is not None:
        raise NotImplementedError("the in-memory MongoDB has no sessions or transactions")
    return kwargs


class MemoryCollection:
    def __init__(self, database: MemoryDatabase, collection: mongomock.Collection) -> None:
        self.database = database
        self._sync = collection
        self.name = collection.name
        self.full_name = collection.full_name

    def with_options(self, **_: Any) -> MemoryCollection:
        return self

    def find(self, *args: Any, **kwargs: Any) -> MemoryCursor:
        kwargs = _drop_session(kwargs)
        sort = kwargs.pop("sort", None)
        cursor = self._sync.find(*args, **kwargs)
        if sort:
            cursor = cursor.sort(sort)
        return MemoryCursor(cursor)

    async def find_one(self, filter: Any = None, *args: Any, **kwargs: Any) -> Any:
        if not kwargs and len(args) <= 1:  # a filter and maybe a projection: most reads
            return find_first(self._sync, filter, args[0] if args else None)
        kwargs = _drop_session(kwargs)
        if len(args) <= 1 and set(kwargs) <= {"projection"} and not (args and kwargs):
            return find_first(self._sync, filter, args[0] if args else kwargs.get("projection"))
        return self._sync.find_one(filter, *args, **kwargs)

    async def aggregate(self, pipeline: list[Any], **kwargs: Any) -> MemoryCursor:
        kwargs = _drop_session(kwargs)
        return MemoryCursor(list(self._sync.aggregate(pipeline)))

    async def insert_one(self, document: Any, **kwargs: Any) -> Any:
        return self._sync.insert_one(document, **_drop_session(kwargs))

    async def insert_many(self, documents: Any, **kwargs: Any) -> Any:
        return self._sync.insert_many(list(documents), **_drop_session(kwargs))

    async def update_one(self, filter: Any, update: Any, **kwargs: Any) -> Any:
        kwargs = _drop_session(kwargs)
        fast = plain_update_one(self._sync, filter, update, kwargs)
        return fast if fast is not None else self._sync.update_one(filter, update, **kwargs)

    async def update_many(self, filter: Any, update: Any, **kwargs: Any) -> Any:
        return self._sync.update_many(filter, update, **_drop_session(kwargs))

    async def replace_one(self, filter: Any, replacement: Any, **kwargs: Any) -> Any:
        return self._sync.replace_one(filter, replacement, **_drop_session(kwargs))

    async def delete_one(self, filter: Any, **kwargs: Any) -> Any:
        return self._sync.delete_one(filter, **_drop_session(kwargs))

    async def delete_many(self, filter: Any, **kwargs: Any) -> Any:
        return self._sync.delete_many(filter, **_drop_session(kwargs))

    async def find_one_and_update(
        self, filter: Any, update: Any, *args: Any, **kwargs: Any
    ) -> Any:
        kwargs = _drop_session(kwargs)
        kwargs.setdefault("return_document", ReturnDocument.BEFORE)
        return self._sync.find_one_and_update(filter, update, *args, **kwargs)

    async def find_one_and_replace(self, filter: Any, replacement: Any, **kwargs: Any) -> Any:
        return self._sync.find_one_and_replace(filter, replacement, **_drop_session(kwargs))

    async def find_one_and_delete(self, filter: Any, **kwargs: Any) -> Any:
        return self._sync.find_one_and_delete(filter, **_drop_session(kwargs))

    async def count_documents(self, filter: Any, **kwargs: Any) -> int:
        return self._sync.count_documents(filter, **_drop_session(kwargs))

    async def estimated_document_count(self, **kwargs: Any) -> int:
        return self._sync.estimated_document_count(**_drop_session(kwargs))

    async def distinct(self, key: str, filter: Any = None, **kwargs: Any) -> list[Any]:
        return self._sync.distinct(key, filter, **_drop_session(kwargs))

    async def bulk_write(self, requests: list[Any], **kwargs: Any) -> BulkWriteResult:
        kwargs = _drop_session(kwargs)
        result = self._sync.bulk_write(requests, ordered=kwargs.get("ordered", True))
        return BulkWriteResult(result.bulk_api_result, True)

    async def create_indexes(self, indexes: list[Any], **kwargs: Any) -> list[str]:
        return [self._sync.create_index(list(i.document["key"].items()), **_index_options(i))
                for i in indexes]

    async def create_index(self, keys: Any, **kwargs: Any) -> str:
        return self._sync.create_index(keys, **_drop_session(kwargs))

    async def index_information(self, **kwargs: Any) -> dict[str, Any]:
        return self._sync.index_information()

    async def drop_index(self, name: str, **kwargs: Any) -> None:
        self._sync.drop_index(name)

    async def drop(self, **kwargs: Any) -> None:
        self._sync.drop()


def _index_options(index: Any) -> dict[str, Any]:
    return {k: v for k, v in index.document.items() if k != "key"}


class MemoryDatabase:
    collection_class: type[MemoryCollection] = MemoryCollection  # the durable store's records

    def __init__(self, client: MemoryMongoClient, database: mongomock.Database) -> None:
        self.client = client
        self._sync = database
        self.name = database.name
        self._collections: dict[str, MemoryCollection] = {}

    def __getitem__(self, name: str) -> MemoryCollection:
        return self.get_collection(name)

    def get_collection(self, name: str, **_: Any) -> MemoryCollection:
        if name not in self._collections:
            self._collections[name] = self.collection_class(self, indexed(self._sync, name))
        return self._collections[name]

    async def command(self, command: Any, **_: Any) -> dict[str, Any]:
        name = next(iter(command)) if isinstance(command, Mapping) else command
        if name == "buildInfo":
            return {"version": _SERVER_VERSION, "ok": 1.0}
        if name == "ping":
            return {"ok": 1.0}
        raise NotImplementedError(f"the in-memory MongoDB does not run {name!r}")

    async def list_collection_names(self, **_: Any) -> list[str]:
        return self._sync.list_collection_names()

    async def create_collection(self, name: str, **_: Any) -> MemoryCollection:
        self._sync.create_collection(name)
        return self.get_collection(name)

    async def drop_collection(self, name: str, **_: Any) -> None:
        self._sync.drop_collection(name)
        self._collections.pop(name, None)


class MemoryMongoClient:
    """Stands in for ``pymongo.AsyncMongoClient`` in embedded mode and in tests."""

    database_class: type[MemoryDatabase] = MemoryDatabase

    def __init__(self) -> None:
        self._sync = mongomock.MongoClient()
        self._databases: dict[str, MemoryDatabase] = {}

    def __getitem__(self, name: str) -> MemoryDatabase:
        return self.get_database(name)

    def get_database(self, name: str, **_: Any) -> MemoryDatabase:
        if name not in self._databases:
            self._databases[name] = self.database_class(self, self._sync[name])
        return self._databases[name]

    async def drop_database(self, name: str) -> None:
        self._sync.drop_database(name)
        self._databases.pop(name, None)

    async def close(self) -> None:
        self._databases.clear()

    def append_metadata(self, _driver_info: Any) -> None:
        """Drivers tag their handshake with this; there is no handshake in memory."""

    def start_session(self, **_: Any) -> Any:
        raise NotImplementedError("the in-memory MongoDB has no sessions or transactions")
