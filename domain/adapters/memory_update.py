"""A fast path for the plain updates the domain sends, in front of mongomock's ``_update``.

mongomock deep-copies the whole matched document before every update (to tell whether it
changed and to roll back), walks every operator through its positional machinery and asks the
client for its server version, which made bumping a conversation's ``last_seq`` cost more than
inserting the message. Here an update of top-level fields with ``$set``, ``$unset``, ``$inc``,
``$max`` or ``$min`` (no upsert, no dotted or positional paths, no other options) remembers only
the fields it touches, applies mongomock's own per-field updaters (the same semantics, the same
BSON checks), and rolls those fields back if a unique index refuses the result. Anything else
returns None and mongomock runs the update.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import bson
import mongomock
from mongomock import collection as mongomock_collection
from pymongo.results import UpdateResult

from domain.adapters.memory_collection import IndexedCollection
from domain.adapters.memory_documents import stored_form
from domain.adapters.memory_index import IndexedCollectionStore

_OPERATORS = ("$set", "$unset", "$inc", "$max", "$min")
_MISSING = object()


def _plain_fields(update: Any) -> list[tuple[str, str, Any]] | None:
    """(operator, field, value) for each change, or None outside the plain subset."""
    if not _mapping(update) or not update:
        return None
    changes: list[tuple[str, str, Any]] = []
    names: set[str] = set()
    for operator, fields in update.items():
        if operator not in _OPERATORS or not _mapping(fields) or not fields:
            return None
        for name, value in fields.items():
            if name not in _PLAIN_NAMES:
                if not _plain_name(name):
                    return None
                if len(_PLAIN_NAMES) < 10_000:  # the domain's few field names
                    _PLAIN_NAMES.add(name)
            changes.append((operator, name, value))
            names.add(name)
    if len(names) != len(changes):
        return None  # one field under two operators: MongoDB refuses it, mongomock says so
    return changes


_PLAIN_NAMES: set[str] = set()  # names _plain_name accepted (str only, and nothing else equals one)


def _mapping(value: Any) -> bool:
    return type(value) is dict or isinstance(value, Mapping)  # (an ABC check costs more)


def _plain_name(name: Any) -> bool:
    return type(name) is str and bool(name) and "." not in name and "$" not in name \
        and "\0" not in name and name != "_id"


def update_one(collection: mongomock.Collection, filter: Any, update: Any,
               kwargs: Mapping[str, Any]) -> UpdateResult | None:
    """``collection.update_one(filter, update)`` for the plain subset; None otherwise."""
    if any(value for value in kwargs.values()) or not _mapping(filter):
        return None  # upsert, hint, collation, array filters...: mongomock's path
    changes = _plain_fields(update)
    if changes is None:
        return None
    # As mongomock's _update: stored datetimes are naive UTC with milliseconds.
    patch = stored_form
    updaters: Any = mongomock_collection._updaters
    store = collection._store
    if len(filter) == 1 and type(filter.get("_id")) is str and (
            isinstance(store, IndexedCollectionStore)):
        doc = store._documents.get(filter["_id"])  # by id (a str is stored as it is)
    else:
        doc = next(iter(collection._iter_documents(patch(filter))), None)
    if doc is None:
        return _result(0, 0)
    before = {name: doc.get(name, _MISSING) for _, name, _ in changes}
    try:
        for operator, name, value in changes:
            if operator == "$set":
                _set(doc, name, patch(value))
            else:
                updaters[operator](doc, name, patch(value))
    except BaseException:
        _restore(doc, before)
        raise
    if all(doc.get(name, _MISSING) == old for name, old in before.items()):
        return _result(1, 0)
    # Fields holding another object now (1 and 1.0 are equal but index differently).
    changed = {name for name, old in before.items() if doc.get(name, _MISSING) is not old}
    try:
        # Refreshes the document's index entries too.
        if isinstance(collection, IndexedCollection):
            collection.ensure_uniques_after(doc, changed)
        else:
            collection._ensure_uniques(doc)
    except mongomock.DuplicateKeyError:
        _restore(doc, before)
        collection._store[doc["_id"]] = doc  # relinks it under its old keys
        raise
    return _result(1, 1)


def _set(doc: dict[str, Any], name: str, value: Any) -> None:
    """mongomock's ``$set`` of a plain top-level field (its name checked by _plain_fields):
    sequences copied, the value refused as pymongo refuses what BSON cannot hold (a datetime
    always fits: stored_form made it naive UTC)."""
    if type(value) is not datetime:
        if isinstance(value, tuple | list):
            value = copy.deepcopy(value)
        bson.encode({name: value})
    doc[name] = value


def _restore(doc: dict[str, Any], before: Mapping[str, Any]) -> None:
    for name, old in before.items():
        if old is _MISSING:
            doc.pop(name, None)
        else:
            doc[name] = old


def _result(matched: int, modified: int) -> UpdateResult:
    return UpdateResult({"n": matched, "nModified": modified, "ok": 1, "upserted": None,
                         "updatedExisting": bool(matched), "err": None}, acknowledged=True)
