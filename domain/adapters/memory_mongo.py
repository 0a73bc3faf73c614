"""An in-memory MongoDB for the embedded mode: mongomock's query engine behind PyMongo's async API.

Beanie 2 talks to PyMongo's ``AsyncMongoClient``; no maintained library emulates that, so this
module adapts mongomock's synchronous collections to the async surface Beanie calls. Every call
runs to completion without yielding to the event loop, which makes each single-document update
atomic, exactly like a real server. Multi-document transactions are not offered (sessions are
refused), so code that works here also works on a real MongoDB.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import mongomock
from pymongo import ReturnDocument
from pymongo.results import BulkWriteResult

from domain.adapters.memory_index import indexed

_SERVER_VERSION = "7.0.0"


def _drop_session(kwargs: dict[str, Any]) -> dict[str, Any]:
    if kwargs.pop("session", None) is not None:
        raise NotImplementedError("the in-memory MongoDB has no sessions or transactions")
    return kwargs


class MemoryCursor:
    """Async view over a mongomock cursor (or a list of aggregation results)."""

    def __init__(self, source: Iterable[Mapping[str, Any]]) -> None:
        self._source = source
        self._iterator: Any = None

    def sort(self, key_or_list: Any, direction: Any = None) -> MemoryCursor:
        self._source.sort(key_or_list, direction)  # type: ignore[attr-defined]
        return self

    def skip(self, count: int) -> MemoryCursor:
        self._source.skip(count)  # type: ignore[attr-defined]
        return self

    def limit(self, count: int) -> MemoryCursor:
        self._source.limit(count)  # type: ignore[attr-defined]
        return self

    def __aiter__(self) -> MemoryCursor:
        return self

    def _results(self) -> Any:
        # mongomock copies every matching document before applying skip/limit; its dataset
        # generator copies lazily, so slicing it copies only the page (a 20-item page of a large
        # collection was costing a deep copy of the whole collection).
        source: Any = self._source
        if not isinstance(source, mongomock.collection.Cursor):
            return iter(source)
        stop = source._skip + abs(source._limit) if source._limit else None
        ordered = _sorted_plainly(source, stop) if source._sort else None
        if ordered is None and source._sort:
            return itertools.islice(source._factory(), source._skip, stop)
        if ordered is None:
            ordered = source.collection._iter_documents(source._spec)
        page = itertools.islice(ordered, source._skip, stop)
        fields = _top_level_inclusion(source._projection)
        if fields is None:
            return (source.collection._copy_only_fields(doc, source._projection, dict)
                    for doc in page)
        return ({name: _clone(doc[name]) for name in fields if name in doc} for doc in page)

    async def __anext__(self) -> dict[str, Any]:
        if self._iterator is None:
            self._iterator = self._results()
        try:
            return next(self._iterator)
        except StopIteration:
            raise StopAsyncIteration from None

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        async for item in self:
            items.append(item)
            if length is not None and len(items) >= length:
                break
        return items

    async def close(self) -> None:
        self._iterator = iter(())


_MISSING = object()


def _clone(value: Any) -> Any:
    """A deep copy of stored BSON-like data: its leaves (str, numbers, datetimes, ObjectIds...)
    are immutable, so only dicts and lists need copying."""
    if type(value) is dict:
        return {key: _clone(item) for key, item in value.items()}
    if type(value) is list:
        return [_clone(item) for item in value]
    return value


def _top_level_inclusion(projection: Any) -> list[str] | None:
    """The fields of a projection that only includes top-level fields (what Beanie sends), or
    of no projection at all (every field); None when mongomock must apply it."""
    if projection is None:
        return None
    if not isinstance(projection, Mapping) or not projection:
        return None
    if any(value not in (1, True) or "." in name or name.startswith("$")
           for name, value in projection.items()):
        return None
    return list(dict.fromkeys(["_id", *projection]))


def _plain_value(doc: Mapping[str, Any], dotted: str) -> Any:
    value: Any = doc
    for part in dotted.split("."):
        value = value.get(part, _MISSING) if isinstance(value, Mapping) else _MISSING
    return value


def _sorted_plainly(cursor: Any, stop: int | None = None) -> list[Mapping[str, Any]] | None:
    """The matching documents in sort order with one plain-key sort, or None to leave it to
    mongomock. Its sort wraps every value in a BSON comparator and sorts once per key, which
    made each listing page cost milliseconds per hundred documents. The fast path only runs
    when every key goes the same way and every value of a key is one plain type (numbers,
    strings or datetimes), where Python's order is BSON's order."""
    sort = list(cursor._sort.items() if isinstance(cursor._sort, dict) else cursor._sort)
    if len({direction for _, direction in sort}) != 1 or any(k.startswith("$") for k, _ in sort):
        return None
    docs = list(cursor.collection._iter_documents(cursor._spec))
    keys = [tuple(_plain_value(doc, field) for field, _ in sort) for doc in docs]
    for position in range(len(sort)):
        kinds = {_kind(key[position]) for key in keys}
        if len(kinds) > 1 or None in kinds:
            return None
    descending = sort[0][1] < 0
    try:
        if stop is None or stop >= len(docs):
            order = sorted(range(len(docs)), key=keys.__getitem__, reverse=descending)
        else:  # only the first page is wanted: a bounded heap, same order as the sort
            pick = heapq.nlargest if descending else heapq.nsmallest
            order = pick(stop, range(len(docs)), key=keys.__getitem__)
    except TypeError:  # e.g. naive and aware datetimes mixed
        return None
    return [docs[i] for i in order]


def _kind(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "datetime"
    return None


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
        return self._sync.find_one(filter, *args, **_drop_session(kwargs))

    async def aggregate(self, pipeline: list[Any], **kwargs: Any) -> MemoryCursor:
        kwargs = _drop_session(kwargs)
        return MemoryCursor(list(self._sync.aggregate(pipeline)))

    async def insert_one(self, document: Any, **kwargs: Any) -> Any:
        return self._sync.insert_one(document, **_drop_session(kwargs))

    async def insert_many(self, documents: Any, **kwargs: Any) -> Any:
        return self._sync.insert_many(list(documents), **_drop_session(kwargs))

    async def update_one(self, filter: Any, update: Any, **kwargs: Any) -> Any:
        return self._sync.update_one(filter, update, **_drop_session(kwargs))

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
        return [self._sync.create_index(i.document["key"].items(), **_index_options(i))
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
    def __init__(self, client: MemoryMongoClient, database: mongomock.Database) -> None:
        self.client = client
        self._sync = database
        self.name = database.name
        self._collections: dict[str, MemoryCollection] = {}

    def __getitem__(self, name: str) -> MemoryCollection:
        return self.get_collection(name)

    def get_collection(self, name: str, **_: Any) -> MemoryCollection:
        if name not in self._collections:
            self._collections[name] = MemoryCollection(self, indexed(self._sync, name))
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

    def __init__(self) -> None:
        self._sync = mongomock.MongoClient()
        self._databases: dict[str, MemoryDatabase] = {}

    def __getitem__(self, name: str) -> MemoryDatabase:
        return self.get_database(name)

    def get_database(self, name: str, **_: Any) -> MemoryDatabase:
        if name not in self._databases:
            self._databases[name] = MemoryDatabase(self, self._sync[name])
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
