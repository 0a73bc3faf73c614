"""Hash indexes for the in-memory MongoDB, so lookups stop scanning whole collections.

mongomock answers every query, update, delete and unique-index check by testing each document
of the collection, which made a chat message insert cost milliseconds once a few hundred messages
existed. Here each declared index (and the first field of a compound one) becomes a hash map
from equality key to document ids. A query with equality conditions on an index's fields tests
only those documents. The index only narrows the candidates: mongomock's own matcher still
decides, so a stale or missing entry can never add a wrong result, and values the index does not
understand (floats, dates, nested arrays, missing fields...) go to a per-index list that every
lookup also tests.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from bson import ObjectId
from mongomock.filtering import filter_applies
from mongomock.store import CollectionStore

Fields = tuple[str, ...]
_UNSET = object()


def _plain(value: Any) -> bool:
    """Values whose Python equality and hash agree with MongoDB's equality (a str enum member
    equals its value in both). bool is left out: True == 1 in Python, not in MongoDB."""
    kind = type(value)
    if kind is str or kind is int or kind is ObjectId:  # the usual ones, quickly
        return True
    return isinstance(value, str | ObjectId) or (
        isinstance(value, int) and not isinstance(value, bool))


def _field(doc: Mapping[str, Any], dotted: str) -> Any:
    # Stored documents and their sub-documents are dicts (mongomock copies them so).
    if "." not in dotted:
        return doc[dotted] if dotted in doc else _UNSET
    value: Any = doc
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return _UNSET
        value = value[part]
    return value


def _keys(doc: Mapping[str, Any], fields: Fields) -> list[tuple[Any, ...]] | None:
    """The index keys of ``doc``, or None when the index cannot represent it."""
    if len(fields) == 1:
        value = _field(doc, fields[0])
        if isinstance(value, list):  # multikey: a document is found by any element
            return [(e,) for e in set(value)] if all(_plain(e) for e in value) else None
        return [(value,)] if _plain(value) else None
    values = []
    for name in fields:  # (a loop: this runs for every index of every write)
        value = _field(doc, name)
        if not _plain(value):
            return None
        values.append(value)
    return [tuple(values)]


class IndexedCollectionStore(CollectionStore):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self._maps: dict[Fields, dict[tuple[Any, ...], set[Any]]] = {}
        self._unindexed: dict[Fields, set[Any]] = {}
        self._entries: dict[Any, list[tuple[Fields, list[tuple[Any, ...]] | None]]] = {}
        self._position: dict[Any, int] = {}
        self._next_position = 0
        # Bumped by every change, so cached sort orders know when they are stale.
        self.version = 0
        # True while mongomock inserts one document: its __setitem__ has just linked it, so
        # the unique check that follows need not link it again.
        self.inserting = False
        self._orders: dict[tuple[tuple[str, ...], bool], tuple[int, list[Any] | None]] = {}
        self._uniques: tuple[Any, int, list[tuple[Any, Fields, int]]] = (None, 0, [])

    @property
    def uniques(self) -> list[tuple[Any, Fields, int]]:
        """The unique indexes with their fields and the position of those fields' entry in a
        document's entries (-1 when the maps have none), for the check after every write
        (worked out again when the indexes change; mongomock's drop_indexes replaces the
        dict, and ``_rebuild`` forgets it)."""
        indexes, count, found = self._uniques
        if indexes is not self.indexes or count != len(self.indexes):
            slots = {fields: slot for slot, fields in enumerate(self._maps)}
            found = [(index, fields, slots.get(fields, -1)) for index in self.indexes.values()
                     if index.get("unique") for fields in (_index_fields(index),)]
            self._uniques = (self.indexes, len(self.indexes), found)
        return found

    # --- keeping the maps current -------------------------------------------------------
    def _field_sets(self) -> list[Fields]:
        sets: list[Fields] = []
        for index in self.indexes.values():
            fields = tuple(name for name, _ in index["key"])
            for length in range(1, len(fields) + 1):  # every prefix, as MongoDB can use them
                candidate = fields[:length]
                if candidate != ("_id",) and candidate not in sets:
                    sets.append(candidate)
        return sets

    def _unlink(self, doc_id: Any) -> None:
        for fields, keys in self._entries.pop(doc_id, []):
            self._unlink_keys(doc_id, fields, keys)

    def _unlink_keys(self, doc_id: Any, fields: Fields,
                     keys: list[tuple[Any, ...]] | None) -> None:
        if keys is None:
            self._unindexed[fields].discard(doc_id)
            return
        for key in keys:
            ids = self._maps[fields].get(key)
            if ids is not None:
                ids.discard(doc_id)
                if not ids:
                    del self._maps[fields][key]

    def _link_keys(self, doc_id: Any, doc: Mapping[str, Any],
                   fields: Fields) -> list[tuple[Any, ...]] | None:
        keys = _keys(doc, fields)
        if keys is None:
            self._unindexed[fields].add(doc_id)
        else:
            entries = self._maps[fields]
            for key in keys:
                ids = entries.get(key)
                if ids is None:
                    entries[key] = {doc_id}
                else:
                    ids.add(doc_id)
        return keys

    def _link(self, doc_id: Any, doc: Mapping[str, Any]) -> None:
        self._entries[doc_id] = [(fields, self._link_keys(doc_id, doc, fields))
                                 for fields in self._maps]

    def reindex(self, doc_id: Any) -> None:
        """Refresh one document's entries (mongomock updates documents in place)."""
        self.version += 1
        self._unlink(doc_id)
        doc = self._documents.get(doc_id)
        if doc is not None:
            self._link(doc_id, doc)

    def refresh_fields(self, doc_id: Any, changed: set[str]) -> None:
        """``reindex`` after an in-place change of the top-level fields ``changed``: only the
        entries of field sets that involve one of them can have moved."""
        entries, doc = self._entries.get(doc_id), self._documents.get(doc_id)
        if entries is None or doc is None:
            self.reindex(doc_id)
            return
        self.version += 1
        for position, (fields, keys) in enumerate(entries):
            if not changed.isdisjoint(top_fields(fields)):
                self._unlink_keys(doc_id, fields, keys)
                entries[position] = (fields, self._link_keys(doc_id, doc, fields))

    def _rebuild(self) -> None:
        self.version += 1
        self._uniques = (None, 0, [])  # the indexes changed: worked out again when asked
        self._maps = {fields: {} for fields in self._field_sets()}
        self._unindexed = {fields: set() for fields in self._maps}
        self._entries = {}
        for doc_id, doc in self._documents.items():
            self._link(doc_id, doc)

    def add(self, doc_id: Any, doc: dict[str, Any]) -> bool | None:
        """``self[doc_id] = doc`` for an id not stored yet, linked in one pass, then whether
        its unique indexes admit it: True, False (a duplicate: it is still stored, the caller
        takes it out again) or None when the maps cannot tell for one of them. mongomock's
        store takes a reader-writer lock for every write; the embedded store is only used
        from the event loop's thread, and this runs without yielding."""
        self._documents[doc_id] = doc
        self._position[doc_id] = self._next_position
        self._next_position += 1
        self.version += 1
        entries = [(fields, self._link_keys(doc_id, doc, fields)) for fields in self._maps]
        self._entries[doc_id] = entries
        verdict: bool | None = True
        for index, fields, slot in self.uniques:
            keys = entries[slot][1] if slot >= 0 else _UNSET
            found = self.unique_verdict(doc, index, fields, keys)
            if found is False:
                return False
            if found is None:
                verdict = None
        return verdict

    def __setitem__(self, key: Any, val: Any) -> None:
        super().__setitem__(key, val)
        if key not in self._position:
            self._position[key] = self._next_position
            self._next_position += 1
        self.reindex(key)

    def __delitem__(self, key: Any) -> None:
        self.version += 1
        super().__delitem__(key)
        self._unlink(key)
        self._position.pop(key, None)

    def create_index(self, index_name: str, index_dict: Any) -> None:
        super().create_index(index_name, index_dict)
        self._rebuild()

    def drop_index(self, index_name: str) -> None:
        super().drop_index(index_name)
        self._rebuild()

    def drop(self) -> None:
        super().drop()
        self._position.clear()
        self._rebuild()

    # --- answering ------------------------------------------------------------------------
    def _lookup(self, filter: Any) -> tuple[set[Any], set[Any], bool] | None:
        """The ids an index finds for ``filter``'s equalities (hits, and the documents that
        index could not hold), and whether a hit surely matches; None to scan them all."""
        if not isinstance(filter, Mapping):
            return None
        equal, only_equalities = _equalities(filter)
        if "_id" in equal:
            found = {equal["_id"]} if equal["_id"] in self._documents else set()
            return found, set(), False
        usable = [f for f in self._maps if all(name in equal for name in f)]
        if not usable:
            return self._lookup_within(filter)
        fields = max(usable, key=len)
        # A hit in the map equals every condition when the index covers all of them.
        exact = only_equalities and set(fields) == set(equal)
        hits = self._maps[fields].get(tuple(equal[name] for name in fields), set())
        return hits, self._unindexed[fields], exact

    def _lookup_within(self, filter: Mapping[str, Any]) -> tuple[set[Any], set[Any], bool] | None:
        """``{field: {"$in": [plain values]}}`` on ``_id`` or a one-field index: the union of
        each value's hits (a socket sweep re-checks thousands of tokens at once). Every hit is
        matched against the whole filter afterwards."""
        for name, condition in filter.items():
            values = _plain_in(condition)
            if values is None:
                continue
            if name == "_id":
                return {v for v in values if v in self._documents}, set(), False
            index = self._maps.get((name,))
            if index is not None:
                hits: set[Any] = set()
                for value in values:
                    hits.update(index.get((value,), ()))
                return hits, self._unindexed[(name,)], False
        return None

    def candidates(self, filter: Any) -> list[tuple[Any, bool]] | None:
        """Documents that may match ``filter``, in insertion order, each with whether it
        surely matches (so the matcher can skip it); or None to scan them all."""
        lookup = self._lookup(filter)
        if lookup is None:
            return None
        hits, unindexed, exact = lookup
        found = [(i, exact) for i in hits] + [(i, False) for i in unindexed]
        found.sort(key=lambda pair: self._position[pair[0]])
        return [(self._documents[i], sure) for i, sure in found]

    def candidate_count(self, filter: Any) -> int | None:
        """How many documents ``candidates`` would give, without gathering them."""
        lookup = self._lookup(filter)
        return None if lookup is None else len(lookup[0]) + len(lookup[1])

    def sorted_documents(self, fields: tuple[str, ...], descending: bool,
                         key_of: Any) -> list[Any] | None:
        """Every document in the order of ``key_of`` (one plain kind per key, checked by the
        caller's ``key_of`` returning None otherwise), cached until the next change: a
        listing then walks the order and stops at a page, as MongoDB walks an index."""
        cached = self._orders.get((fields, descending))
        if cached is not None and cached[0] == self.version:
            return cached[1]
        docs = list(self._documents.values())
        keys = key_of(docs)
        order = None
        if keys is not None:
            try:
                ranked = sorted(range(len(docs)), key=keys.__getitem__, reverse=descending)
                order = [docs[i] for i in ranked]
            except TypeError:  # e.g. naive and aware datetimes mixed
                order = None
        self._orders[(fields, descending)] = (self.version, order)
        return order

    def unique_verdict(self, doc: Mapping[str, Any], index: Mapping[str, Any],
                       fields: Fields, linked: Any = _UNSET) -> bool | None:
        """Whether ``doc`` (stored and linked already) is alone with its key in a unique index:
        True, False (a duplicate), or None when the maps cannot tell (sparse indexes, keys the
        maps do not hold). A partial index (users' unique email, say) only binds documents
        its filter admits: answered from the same maps, so signing up stays one lookup
        rather than a scan of every user. ``linked``: the document's keys for ``fields``
        as linked just now, when the caller has them."""
        if index.get("sparse"):
            return None
        partial = index.get("partialFilterExpression")
        if partial is not None and not filter_applies(partial, doc):
            return True
        if fields not in self._maps:
            return None
        keys = self._linked_keys(doc, fields) if linked is _UNSET else linked
        if keys is None or len(keys) != 1:
            return None
        holders = self._maps[fields].get(keys[0], ())
        if partial is None:
            if len(holders) > 1 or (holders and doc["_id"] not in holders):
                return False
        elif any(i != doc["_id"] and filter_applies(partial, self._documents[i])
                 for i in holders):
            return False
        unindexed = self._unindexed[fields]
        if not unindexed or (len(unindexed) == 1 and doc["_id"] in unindexed):
            return True
        condition: dict[str, Any] = dict(zip(fields, keys[0], strict=True))
        if partial is not None:
            condition = {"$and": [condition, partial]}
        # Stored values the maps could not hold (a float 1.0 equals the int 1, say).
        return not any(filter_applies(condition, self._documents[i])
                       for i in unindexed if i != doc["_id"])

    def _linked_keys(self, doc: Mapping[str, Any], fields: Fields
                     ) -> list[tuple[Any, ...]] | None:
        """``_keys(doc, fields)``, as linked just now when ``doc`` is the stored one."""
        if self._documents.get(doc["_id"]) is doc:
            for linked, keys in self._entries.get(doc["_id"], ()):
                if linked == fields:
                    return keys
        return _keys(doc, fields)


def _index_fields(index: Mapping[str, Any]) -> Fields:
    return tuple(name for name, _ in index["key"])


@functools.cache
def top_fields(fields: Fields) -> frozenset[str]:
    """The top-level fields of an index's paths (what an update of top-level fields moves)."""
    return frozenset(path.split(".", 1)[0] for path in fields)


def _plain_in(condition: Any) -> list[Any] | None:
    """The values of a ``{"$in": [...]}`` condition when every one is plain, else None."""
    if not isinstance(condition, Mapping) or len(condition) != 1:
        return None
    values = condition.get("$in")
    if not isinstance(values, list | tuple) or not all(_plain(v) for v in values):
        return None
    return list(values)


def _equalities(filter: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """Top-level ``field == plain value`` conditions (also inside a top-level $and), and
    whether the filter says nothing else."""
    equal: dict[str, Any] = {}
    only_equalities = True
    and_parts = filter.get("$and", [])
    parts = [filter] + [p for p in and_parts if isinstance(p, Mapping)]
    if not isinstance(and_parts, list) or len(parts) != len(and_parts) + 1:
        only_equalities = False
    for part in parts:
        for name, condition in part.items():
            if name == "$and" and part is filter:
                continue
            if isinstance(condition, Mapping) and set(condition) == {"$eq"}:
                condition = condition["$eq"]
            if not name.startswith("$") and _plain(condition) and (
                    equal.get(name, condition) == condition):
                equal[name] = condition
            else:
                only_equalities = False
    return equal, only_equalities
