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
from typing import Any

import bson
import mongomock
from mongomock import collection as mongomock_collection
from pymongo.results import UpdateResult

from domain.adapters.memory_documents import stored_form
from domain.adapters.memory_index import IndexedCollection

_OPERATORS = ("$set", "$unset", "$inc", "$max", "$min")
_MISSING = object()


def _plain_fields(update: Any) -> list[tuple[str, str, Any]] | None:
    """(operator, field, value) for each change, or None outside the plain subset."""
    if not isinstance(update, Mapping) or not update:
        return None
    changes: list[tuple[str, str, Any]] = []
    for operator, fields in update.items():
        if operator not in _OPERATORS or not isinstance(fields, Mapping) or not fields:
            return None
        for name, value in fields.items():
            if not isinstance(name, str) or not name or "." in name or "$" in name \
                    or "\0" in name or name == "_id":
                return None
            changes.append((operator, name, value))
    if len({name for _, name, _ in changes}) != len(changes):
        return None  # one field under two operators: MongoDB refuses it, mongomock says so
    return changes


def update_one(collection: mongomock.Collection, filter: Any, update: Any,
               kwargs: Mapping[str, Any]) -> UpdateResult | None:
    """``collection.update_one(filter, update)`` for the plain subset; None otherwise."""
    if any(value for value in kwargs.values()) or not isinstance(filter, Mapping):
        return None  # upsert, hint, collation, array filters...: mongomock's path
    changes = _plain_fields(update)
    if changes is None:
        return None
    # As mongomock's _update: stored datetimes are naive UTC with milliseconds.
    patch = stored_form
    spec = patch(filter)
    updaters: Any = mongomock_collection._updaters
    doc = next(iter(collection._iter_documents(spec)), None)
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
    sequences copied, the value refused as pymongo refuses what BSON cannot hold."""
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
