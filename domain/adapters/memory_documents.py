"""The copy of a plain document the in-memory store keeps, made in one pass.

mongomock stores a copy of every inserted document with its datetimes made naive UTC with
milliseconds (``helpers.patch_datetime_awareness_in_document``), after checking its field names
with another recursive walk and parsing the pymongo version string on every insert. For the
documents the domain writes (str keys; str, numbers, bools, None, ObjectIds, datetimes, lists
and dicts of them) ``stored_copy`` does the same copy and the same key checks at once; for
anything else it answers None and mongomock's own insert runs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bson import ObjectId
from mongomock import helpers

_LEAVES = (str, int, float, bool, type(None), ObjectId)
_DECLINE = object()


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind in _LEAVES:
        return value
    if kind is dict:
        copied = {}
        for key, item in value.items():
            if type(key) is not str or "\0" in key:
                return _DECLINE
            item = _copy(item)
            if item is _DECLINE:
                return _DECLINE
            copied[key] = item
        return copied
    if kind is list or kind is tuple:  # mongomock stores tuples as lists too
        items = [_copy(item) for item in value]
        return _DECLINE if any(item is _DECLINE for item in items) else items
    if kind is datetime:
        milliseconds = value.microsecond // 1000 * 1000
        if value.tzinfo is not None:
            value = value - value.utcoffset()
        return value.replace(tzinfo=None, microsecond=milliseconds)
    return _DECLINE


def stored_copy(document: Any) -> dict[str, Any] | None:
    """What mongomock would store for ``document``, or None when mongomock must decide (a
    type outside the plain subset, a key it would refuse)."""
    if type(document) is not dict:
        return None
    for key in document:
        if type(key) is str and key[:1] == "$":
            return None
    if "_id" in document and type(document["_id"]) not in (str, int, ObjectId):
        return None  # other ids are keyed as mongomock keys them
    copied = _copy(document)
    return None if copied is _DECLINE else copied


def stored_form(value: Any) -> Any:
    """``value`` as mongomock normalises what it is given (naive UTC datetimes with
    milliseconds, tuples as lists), in one pass where it is plain."""
    copied = _copy(value)
    if copied is _DECLINE:
        patch: Any = helpers.patch_datetime_awareness_in_document
        return patch(value)
    return copied
