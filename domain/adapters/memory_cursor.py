"""The async cursor of the in-memory MongoDB, with the fast paths that keep a listing cheap:
copying only the page asked for, one plain-key sort (a bounded heap for a first page), and
cheap copies for the field lists Beanie projects."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import mongomock
from bson import ObjectId

from domain.adapters.memory_index import IndexedCollectionStore


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
        if source._projection is None:  # every field: a copy of the whole document
            return (_clone(doc) for doc in page)
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


def find_first(collection: Any, filter: Any, projection: Any = None) -> dict[str, Any] | None:
    """``find_one`` without a mongomock cursor: the first match, copied as the cursor copies
    a page (Beanie reads a document by id several times per request)."""
    if filter is None:
        filter = {}
    elif not isinstance(filter, Mapping):
        filter = {"_id": filter}
    store = collection._store
    if len(filter) == 1 and isinstance(store, IndexedCollectionStore) and (
            type(filter.get("_id")) in (str, ObjectId)):
        doc = store._documents.get(filter["_id"])  # by id, what most reads are
    else:
        # As mongomock's cursor does: stored datetimes are naive UTC, so filters' must be too.
        filter = mongomock.helpers.patch_datetime_awareness_in_document(filter)
        doc = next(iter(collection._iter_documents(filter)), None)
    if doc is None:
        return None
    if projection is None:
        return _clone(doc)  # type: ignore[no-any-return]
    fields = _top_level_inclusion(projection)
    if fields is None:
        return collection._copy_only_fields(doc, projection, dict)  # type: ignore[no-any-return]
    return {name: _clone(doc[name]) for name in fields if name in doc}


# The usual leaves, handed on without a call each (a listing copies thousands a second).
_LEAVES = frozenset({str, int, float, bool, type(None), datetime, ObjectId})


def _clone(value: Any) -> Any:
    """A deep copy of stored BSON-like data: its leaves (str, numbers, datetimes, ObjectIds...)
    are immutable, so only dicts and lists need copying."""
    if type(value) is dict:
        return {key: item if type(item) in _LEAVES else _clone(item)
                for key, item in value.items()}
    if type(value) is list:
        return [item if type(item) in _LEAVES else _clone(item) for item in value]
    return value


_INCLUSIONS: dict[tuple[Any, ...], list[str] | None] = {}


def _top_level_inclusion(projection: Any) -> list[str] | None:
    """The fields of a projection that only includes top-level fields (what Beanie sends), or
    of no projection at all (every field); None when mongomock must apply it."""
    if projection is None:
        return None
    if not isinstance(projection, Mapping) or not projection:
        return None
    try:  # the same few projections come again and again
        key = tuple(projection.items())
        found = _INCLUSIONS.get(key, _MISSING)
    except TypeError:  # unhashable values: not a plain inclusion anyway
        return _inclusion(projection)
    if found is _MISSING:
        found = _inclusion(projection)
        if len(_INCLUSIONS) < 1000:
            _INCLUSIONS[key] = found
    return found  # type: ignore[return-value]


def _inclusion(projection: Mapping[str, Any]) -> list[str] | None:
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
    descending = sort[0][1] < 0
    fields = tuple(field for field, _ in sort)
    walked = _walk_sorted(cursor, fields, descending, stop)
    if walked is not None:
        return walked
    docs = list(cursor.collection._iter_documents(cursor._spec))
    keys = _plain_keys(docs, fields)
    if keys is None:
        return None
    try:
        if stop is None or stop >= len(docs):
            order = sorted(range(len(docs)), key=keys.__getitem__, reverse=descending)
        else:  # only the first page is wanted: a bounded heap, same order as the sort
            pick = heapq.nlargest if descending else heapq.nsmallest
            order = pick(stop, range(len(docs)), key=keys.__getitem__)
    except TypeError:  # e.g. naive and aware datetimes mixed
        return None
    return [docs[i] for i in order]


def _plain_keys(docs: list[Mapping[str, Any]], fields: tuple[str, ...]
                ) -> list[tuple[Any, ...]] | None:
    """The sort keys of ``docs``, or None unless each key holds one plain kind throughout."""
    keys = [tuple(_plain_value(doc, field) for field in fields) for doc in docs]
    for position in range(len(fields)):
        kinds = {_kind(key[position]) for key in keys}
        if len(kinds) > 1 or None in kinds:
            return None
    return keys


def _walk_sorted(cursor: Any, fields: tuple[str, ...], descending: bool, stop: int | None
                 ) -> list[Mapping[str, Any]] | None:
    """A first page by walking the whole collection in its cached sort order, matching as it
    goes; None where that would not pay (no page limit, or an index already narrows the
    candidates to a small part of the collection)."""
    collection = cursor.collection
    store = collection._store
    if stop is None or not isinstance(store, IndexedCollectionStore):
        return None
    narrowed = store.candidate_count(cursor._spec)
    if narrowed is not None and narrowed * 4 < len(store._documents):
        return None
    order = store.sorted_documents(fields, descending, lambda docs: _plain_keys(docs, fields))
    if order is None:
        return None
    return list(itertools.islice(collection.iter_in_order(order, cursor._spec), stop))


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
