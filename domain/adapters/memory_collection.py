"""The in-memory MongoDB's collection over ``IndexedCollectionStore``: scans narrowed by the
hash indexes, one-pass inserts of plain documents, and unique checks answered from the maps
where they can tell (mongomock's own scan decides where they cannot)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import bson
import mongomock
from bson import ObjectId
from mongomock.filtering import filter_applies
from pymongo.results import InsertOneResult

from domain.adapters.memory_documents import stored_copy
from domain.adapters.memory_filter import Matcher, compile_filter
from domain.adapters.memory_index import IndexedCollectionStore, top_fields


class IndexedCollection(mongomock.Collection):
    """A mongomock collection whose scans go through ``IndexedCollectionStore``."""

    def _iter_documents(self, filter: Any) -> Iterator[Any]:
        store = self._store
        if not isinstance(store, IndexedCollectionStore):
            return super()._iter_documents(filter)
        if filter and len(filter) == 1 and type(filter.get("_id")) in (str, ObjectId):
            doc = store._documents.get(filter["_id"])  # by id: most reads and writes
            return iter(() if doc is None else (doc,))
        matcher = compile_filter(filter) if filter else None
        found = store.candidates(filter)
        if found is None:
            if matcher is None:
                return super()._iter_documents(filter)
            found = [(doc, False) for doc in store._documents.values()]
        if matcher is None:
            return (doc for doc, sure in found if sure or filter_applies(filter, doc))
        return (doc for doc, sure in found if sure or _decide(matcher, filter, doc))

    def iter_in_order(self, docs: list[Any], filter: Any) -> Iterator[Any]:
        """The documents of ``docs`` (this collection's, in some order) that match ``filter``."""
        matcher = compile_filter(filter) if filter else None
        if matcher is None:
            return (doc for doc in docs if filter_applies(filter, doc))
        return (doc for doc in docs if _decide(matcher, filter, doc))

    def insert_one(self, document: Any, *args: Any, **kwargs: Any) -> InsertOneResult:
        # A plain dict (what the domain writes) goes straight to the one-pass insert; mongomock
        # would only check it is a mutable mapping first.
        store = self._store
        if not args and kwargs.get("session") is None and type(document) is dict and (
                isinstance(store, IndexedCollectionStore)):
            stored = stored_copy(document)
            if stored is not None:
                return InsertOneResult(self._insert_plain(document, stored, store), True)
        return super().insert_one(document, *args, **kwargs)

    def _insert(self, data: Any, session: Any = None, ordered: bool = True) -> Any:
        store = self._store
        if not isinstance(data, Mapping) or not isinstance(store, IndexedCollectionStore):
            return super()._insert(data, session, ordered)
        if session is None:
            stored = stored_copy(data)
            if stored is not None:
                return self._insert_plain(data, stored, store)
        store.inserting = True
        try:
            return super()._insert(data, session, ordered)
        finally:
            store.inserting = False

    def _insert_plain(self, data: Any, stored: dict[str, Any],
                      store: IndexedCollectionStore) -> Any:
        """mongomock's insert of one document, with the copy ``stored_copy`` made."""
        bson.encode(data)  # refuses what MongoDB could not store, as pymongo would
        if "_id" not in data:  # as pymongo does, the caller's document gets the new id
            data["_id"] = stored["_id"] = ObjectId()
        doc_id = stored["_id"]
        if isinstance(doc_id, dict):
            return super()._insert(data)  # a document as id: mongomock's hashing
        if doc_id in store._documents:  # (the store's locked __contains__ costs more)
            raise mongomock.DuplicateKeyError("E11000 Duplicate Key Error", 11000)
        verdict = store.add(doc_id, stored)
        if verdict is None:  # keys the maps cannot tell about: mongomock's scan decides
            try:
                mongomock.Collection._ensure_uniques(self, stored)
            except mongomock.DuplicateKeyError:
                verdict = False
        if verdict is False:
            del store[doc_id]
            raise mongomock.DuplicateKeyError("E11000 Duplicate Key Error", 11000)
        return doc_id

    def _ensure_uniques(self, new_data: Any) -> None:
        # Called after every insert and in-place change of a document: refresh its entries
        # (an insert's __setitem__ did already), then answer each unique index from the maps
        # where they can tell.
        store = self._store
        if not isinstance(store, IndexedCollectionStore):
            return super()._ensure_uniques(new_data)
        if not store.inserting:
            store.reindex(new_data["_id"])
        verdicts = [store.unique_verdict(new_data, index, fields)
                    for index, fields, _ in store.uniques]
        if False in verdicts:
            raise mongomock.DuplicateKeyError("E11000 Duplicate Key Error", 11000)
        if None in verdicts:
            super()._ensure_uniques(new_data)

    def ensure_uniques_after(self, doc: Mapping[str, Any], changed: set[str]) -> None:
        """``_ensure_uniques`` after an in-place change of the top-level fields ``changed``:
        only the unique indexes on one of them can have a new duplicate."""
        store = self._store
        if not isinstance(store, IndexedCollectionStore):
            return super()._ensure_uniques(doc)
        store.refresh_fields(doc["_id"], changed)
        verdicts = [store.unique_verdict(doc, index, fields)
                    for index, fields, _ in store.uniques
                    if not changed.isdisjoint(top_fields(fields))]
        if False in verdicts:
            raise mongomock.DuplicateKeyError("E11000 Duplicate Key Error", 11000)
        if None in verdicts:
            super()._ensure_uniques(doc)


def _decide(matcher: Matcher, filter: Any, doc: Mapping[str, Any]) -> bool:
    verdict = matcher(doc)
    return filter_applies(filter, doc) if verdict is None else verdict


def indexed(database: mongomock.Database, name: str) -> mongomock.Collection:
    """``database[name]`` backed by an indexed store (created empty, before any data)."""
    stores = database._store._collections
    current = stores.get(name)
    if not isinstance(current, IndexedCollectionStore):
        store = IndexedCollectionStore(name)
        if current is not None:  # keep whatever was there
            store.indexes = dict(current.indexes)
            for doc_id, doc in current._documents.items():
                store[doc_id] = doc
            store._rebuild()
        stores[name] = store
    collection = database[name]
    collection.__class__ = IndexedCollection
    return collection
