"""The in-memory MongoDB with a data directory: every write is journaled before it returns.

Subclasses of ``memory_mongo``'s collection, database and client override only the methods that
change data. Each one notes the ids a write may touch (the documents its filter matches, found
through the same indexes before the write runs, plus any id it inserts or upserts), runs the
write, and journals the after-image of each of those ids: its document, or its absence. A
superset of ids is harmless (an unchanged document is written again), so the rule is simple to
keep: every id a write can change must be in the set. ``bulk_write`` and an upserting
``find_one_and_*`` that matched nothing cannot name their ids beforehand; they compare the whole
collection before and after instead (the application uses neither; correct before fast).

The files and their format are ``memory_journal``'s. This module reads mongomock's document
store directly (``Collection._store``), as ``memory_index`` does, against the pinned mongomock.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import bson
from mongomock import helpers

from domain.adapters.memory_journal import (
    CollectionState,
    DataDir,
    FsyncPolicy,
    Op,
    Recovery,
)
from domain.adapters.memory_mongo import MemoryCollection, MemoryDatabase, MemoryMongoClient

log = logging.getLogger(__name__)


class JournaledCollection(MemoryCollection):
    database: JournaledDatabase

    # --- what a write may touch ---------------------------------------------------------------
    def _ids(self, filter: Any, *, many: bool = False, sort: Any = None) -> list[Any]:
        """The ids a write with ``filter`` would pick, in the order mongomock picks them."""
        if sort:
            return [doc["_id"] for doc in self._sync.find(filter, {"_id": 1}, sort=sort,
                                                          limit=0 if many else 1)]
        if filter is None:
            filter = {}
        elif not isinstance(filter, Mapping):
            filter = {"_id": filter}
        # The documents themselves, through the same (indexed) scan the write makes, without
        # the copy a find() would make; filters are normalised as mongomock's writes do.
        scan: Any = self._sync._iter_documents
        found: Iterator[Any] = scan(_normalise_filter(filter))
        ids = (doc["_id"] for doc in found)
        return list(ids) if many else list(itertools.islice(ids, 1))

    def _images(self) -> dict[Any, bytes]:
        return {doc["_id"]: bson.encode(doc) for doc in _store(self._sync).documents}

    def _record(self, ids: list[Any]) -> None:
        store = _store(self._sync)
        ops: list[Op] = []
        for doc_id in dict.fromkeys(ids):
            if doc_id in store:
                ops.append(self._op("put", doc=store[doc_id]))
            else:
                ops.append(self._op("del", id=doc_id))
        self._journal(ops)

    def _record_difference(self, before: dict[Any, bytes]) -> None:
        after = self._images()
        ops = [self._op("del", id=doc_id) for doc_id in before if doc_id not in after]
        ops += [self._op("put", doc=bson.decode(image)) for doc_id, image in after.items()
                if before.get(doc_id) != image]
        self._journal(ops)

    def _op(self, kind: str, **fields: Any) -> Op:
        return {"op": kind, "db": self.database.name, "coll": self.name, **fields}

    def _journal(self, ops: list[Op]) -> None:
        if ops:
            self.database.client.journal_ops(ops)

    # --- the writes ---------------------------------------------------------------------------
    async def insert_one(self, document: Any, **kwargs: Any) -> Any:
        try:
            return await super().insert_one(document, **kwargs)
        finally:  # the driver (and mongomock) put the _id into the document it was given
            self._record([document["_id"]] if "_id" in document else [])

    async def insert_many(self, documents: Any, **kwargs: Any) -> Any:
        documents = list(documents)
        try:
            return await super().insert_many(documents, **kwargs)
        finally:  # an ordered insert stops at its first error: record what got in
            self._record([doc["_id"] for doc in documents if "_id" in doc])

    async def update_one(self, filter: Any, update: Any, **kwargs: Any) -> Any:
        return await self._update(False, filter, update, kwargs)

    async def update_many(self, filter: Any, update: Any, **kwargs: Any) -> Any:
        return await self._update(True, filter, update, kwargs)

    async def replace_one(self, filter: Any, replacement: Any, **kwargs: Any) -> Any:
        ids = self._ids(filter)
        try:
            result = await super().replace_one(filter, replacement, **kwargs)
            if result.upserted_id is not None:
                ids.append(result.upserted_id)
            return result
        finally:
            self._record(ids)

    async def _update(self, many: bool, filter: Any, update: Any, kwargs: dict[str, Any]) -> Any:
        ids = self._ids(filter, many=many)
        try:
            run = super().update_many if many else super().update_one
            result = await run(filter, update, **kwargs)
            if result.upserted_id is not None:
                ids.append(result.upserted_id)
            return result
        finally:
            self._record(ids)

    async def delete_one(self, filter: Any, **kwargs: Any) -> Any:
        ids = self._ids(filter)
        try:
            return await super().delete_one(filter, **kwargs)
        finally:
            self._record(ids)

    async def delete_many(self, filter: Any, **kwargs: Any) -> Any:
        ids = self._ids(filter, many=True)
        try:
            return await super().delete_many(filter, **kwargs)
        finally:
            self._record(ids)

    async def find_one_and_update(self, filter: Any, update: Any, *args: Any,
                                  **kwargs: Any) -> Any:
        return await self._find_and_modify(super().find_one_and_update, filter, update,
                                           *args, **kwargs)

    async def find_one_and_replace(self, filter: Any, replacement: Any, **kwargs: Any) -> Any:
        return await self._find_and_modify(super().find_one_and_replace, filter, replacement,
                                           **kwargs)

    async def find_one_and_delete(self, filter: Any, **kwargs: Any) -> Any:
        ids = self._ids(filter, sort=kwargs.get("sort"))
        try:
            return await super().find_one_and_delete(filter, **kwargs)
        finally:
            self._record(ids)

    async def _find_and_modify(self, run: Any, filter: Any, change: Any, *args: Any,
                               **kwargs: Any) -> Any:
        sort = kwargs.get("sort", args[1] if len(args) > 1 else None)
        ids = self._ids(filter, sort=sort)
        if not ids and kwargs.get("upsert", len(args) > 2 and args[2]):
            before = self._images()  # the upserted id is not known until it exists
            try:
                return await run(filter, change, *args, **kwargs)
            finally:
                self._record_difference(before)
        try:
            return await run(filter, change, *args, **kwargs)
        finally:
            self._record(ids)

    async def bulk_write(self, requests: list[Any], **kwargs: Any) -> Any:
        before = self._images()
        try:
            return await super().bulk_write(requests, **kwargs)
        finally:
            self._record_difference(before)

    async def create_indexes(self, indexes: list[Any], **kwargs: Any) -> list[str]:
        names = await super().create_indexes(indexes, **kwargs)
        self._journal_indexes(names)
        return names

    async def create_index(self, keys: Any, **kwargs: Any) -> str:
        name = await super().create_index(keys, **kwargs)
        self._journal_indexes([name])
        return name

    def _journal_indexes(self, names: list[str]) -> None:
        information = self._sync.index_information()
        self._journal([self._op("index", index=_index_spec(name, information[name]))
                       for name in names])

    async def drop_index(self, name: str, **kwargs: Any) -> None:
        await super().drop_index(name, **kwargs)
        self._journal([self._op("dropindex", name=name)])

    async def drop(self, **kwargs: Any) -> None:
        await super().drop(**kwargs)
        self._journal([self._op("drop")])


class JournaledDatabase(MemoryDatabase):
    client: JournaledMongoClient
    collection_class = JournaledCollection

    async def create_collection(self, name: str, **kwargs: Any) -> MemoryCollection:
        collection = await super().create_collection(name, **kwargs)
        self.client.journal_ops([{"op": "create", "db": self.name, "coll": name}])
        return collection

    async def drop_collection(self, name: str, **kwargs: Any) -> None:
        await super().drop_collection(name, **kwargs)
        self.client.journal_ops([{"op": "drop", "db": self.name, "coll": name}])


class JournaledMongoClient(MemoryMongoClient):
    """The in-memory client, loaded from and journaled into a data directory."""

    database_class = JournaledDatabase

    def __init__(self, data_dir: DataDir) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.recovery: Recovery | None = None
        self.last_compaction_seconds: float | None = None
        self._closed = False

    @classmethod
    def open(cls, path: str | Path, *, fsync: FsyncPolicy = "interval",
             compact_bytes: int | None = None) -> JournaledMongoClient:
        """Lock the directory, load what it holds, and compact it when a journal was
        replayed (so the next start reads one snapshot)."""
        options = {} if compact_bytes is None else {"compact_bytes": compact_bytes}
        client = cls(DataDir(Path(path), fsync=fsync, **options))
        try:
            recovery = client.recovery = client.data_dir.load(client._apply)
            log.info("data directory %s: %d snapshot documents and %d journal frames loaded "
                     "in %.3f s%s", recovery.path, recovery.snapshot_documents,
                     recovery.journal_frames, recovery.seconds,
                     f" ({recovery.torn_bytes} bytes of a torn last write dropped)"
                     if recovery.torn_bytes else "")
            if recovery.journal_frames:
                client.compact()
        except BaseException:
            client.data_dir.close()
            raise
        return client

    def journal_ops(self, ops: list[Op]) -> None:
        self.data_dir.append(ops)
        if self.data_dir.wants_compaction():
            self.compact()

    def compact(self) -> float:
        seconds = self.data_dir.compact(self._state())
        self.last_compaction_seconds = seconds
        log.info("data directory %s compacted in %.3f s", self.data_dir.path, seconds)
        return seconds

    async def drop_database(self, name: str) -> None:
        await super().drop_database(name)
        self.journal_ops([{"op": "dropdb", "db": name}])

    async def close(self) -> None:
        if not self._closed:
            self._closed = True
            try:
                self.compact()  # a clean stop leaves one snapshot: the next start is quick
            finally:
                self.data_dir.close()
        await super().close()

    # --- replay and snapshots -----------------------------------------------------------------
    def _apply(self, op: Op) -> None:
        kind, database = op["op"], op["db"]
        if kind == "dropdb":
            self._sync.drop_database(database)
            self._databases.pop(database, None)
            return
        collection = self[database][op["coll"]]._sync
        store = _store(collection)
        if kind == "put":
            store[op["doc"]["_id"]] = op["doc"]
        elif kind == "del":
            if op["id"] in store:
                del store[op["id"]]
        elif kind == "index":
            spec = dict(op["index"])
            keys = list(spec.pop("key").items())
            spec.pop("v", None)
            collection.create_index(keys, **spec)
        elif kind == "dropindex":
            collection.drop_index(op["name"])
        elif kind == "drop":
            collection.drop()
        elif kind == "create":
            store.create()

    def _state(self) -> Iterator[CollectionState]:
        for database_name in self._sync.list_database_names():
            database = self[database_name]
            for name in database._sync.list_collection_names():
                collection = database[name]._sync
                information = collection.index_information()
                indexes = [_index_spec(index, information[index]) for index in information
                           if index != "_id_"]
                yield database_name, name, indexes, _store(collection).documents


def _store(collection: Any) -> Any:
    """mongomock's document store of a collection (a private detail of the pinned version,
    read only here, in memory_index and in memory_collection): documents by id, as the
    collection holds them."""
    return collection._store


def _normalise_filter(filter: Any) -> Any:
    """Datetimes as mongomock's writes normalise them before they match (naive UTC, ms)."""
    normalise: Any = helpers.patch_datetime_awareness_in_document
    return normalise(filter)


def _index_spec(name: str, information: dict[str, Any]) -> dict[str, Any]:
    """An index as mongodump's metadata.json writes it (and as replay recreates it)."""
    spec = {key: value for key, value in information.items() if key != "key"}
    return {"v": 2, "key": dict(information["key"]), "name": name, **spec}
