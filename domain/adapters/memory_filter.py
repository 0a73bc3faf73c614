"""A fast matcher for the plain filters the domain sends, in front of mongomock's own.

mongomock decides every match by interpreting the filter per document through BSON comparison
wrappers; a listing page of 200 candidates spent most of its CPU there. ``compile_filter``
turns a filter into a function answering True, False or None ("not sure") per document. It is
sure only where Python and MongoDB agree without subtlety: top-level or dotted paths through
sub-documents (never through arrays), equality, ``$in``, ``$ne`` and ranges on strings, ints,
floats, datetimes and ObjectIds of one kind, equality with null or a bool, ``$exists``,
``$and`` / ``$or``. Anything else (arrays in a path, bools in ranges, regexes, mixed kinds,
unknown operators...) is "not sure" and mongomock's matcher decides, so this can make
matching faster but never different.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bson import ObjectId

Verdict = bool | None
Matcher = Callable[[Mapping[str, Any]], Verdict]

_MISSING = object()
_UNSURE = object()
_RANGES = {"$gt": lambda a, b: a > b, "$gte": lambda a, b: a >= b,
           "$lt": lambda a, b: a < b, "$lte": lambda a, b: a <= b}


def _kind(value: Any) -> str | None:
    """A comparison class where Python's order and equality are MongoDB's; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return "number" if value == value else None  # NaN equals NaN in MongoDB only
    if isinstance(value, str):
        return "string"
    if isinstance(value, datetime):
        return "aware" if value.tzinfo is not None else "naive"
    if isinstance(value, ObjectId):
        return "objectid"
    return None


def _getter(path: str) -> Callable[[Mapping[str, Any]], Any]:
    """The value at ``path``, ``_MISSING``, or ``_UNSURE`` when an array is on the way."""
    parts = path.split(".")
    if len(parts) == 1:
        return lambda doc: doc.get(path, _MISSING)

    def get(doc: Mapping[str, Any]) -> Any:
        value: Any = doc
        for part in parts:
            if isinstance(value, list):
                return _UNSURE
            if not isinstance(value, Mapping):
                return _MISSING
            value = value.get(part, _MISSING)
        return value

    return get


def _condition(path: str, condition: Any) -> Matcher | None:
    get = _getter(path)
    if isinstance(condition, Mapping) and condition and all(
            isinstance(k, str) and k.startswith("$") for k in condition):
        tests = [_operator(op, operand) for op, operand in condition.items()]
        if any(t is None for t in tests):
            return None
        checks: list[Callable[[Any], Verdict]] = tests  # type: ignore[assignment]

        def match_all(doc: Mapping[str, Any]) -> Verdict:
            value = get(doc)
            if value is None or value is _UNSURE or isinstance(value, list):
                return None  # null, or an array: MongoDB's rules differ from Python's
            sure = True
            for check in checks:
                verdict = check(value)
                if verdict is False:
                    return False
                sure = sure and verdict is True
            return True if sure else None

        return match_all
    if condition is None or type(condition) is bool:
        return _literal(get, condition, dotted="." in path)
    equal = _operator("$eq", condition)
    if equal is None:
        return None

    def match_equal(doc: Mapping[str, Any]) -> Verdict:
        value = get(doc)
        if value is None or value is _UNSURE or isinstance(value, list):
            return None
        return equal(value)

    return match_equal


def _literal(get: Callable[[Mapping[str, Any]], Any], literal: bool | None,
             dotted: bool) -> Matcher:
    """``{path: None}`` (null or missing, as ``revoked_at: None``) and ``{path: True/False}``
    (a bool only: MongoDB never equates it with a number). Arrays, and a dotted path that
    ends early (``sub.x`` where ``sub`` is null), are left to mongomock."""
    def match_literal(doc: Mapping[str, Any]) -> Verdict:
        value = get(doc)
        if value is _UNSURE or isinstance(value, list) or (dotted and value is _MISSING):
            return None
        if literal is None:
            return value is None or value is _MISSING
        if type(value) is bool:
            return value is literal
        # mongomock takes 1 for True as Python does (MongoDB does not): its call.
        return None if isinstance(value, int | float) else False

    return match_literal


def _operator(op: str, operand: Any) -> Callable[[Any], Verdict] | None:
    """A test of one stored (non-null, non-array) value, or None if not supported."""
    if op == "$eq" or op == "$ne":
        kind = _kind(operand)
        if kind is None:
            return None
        negate = op == "$ne"

        def equal(value: Any) -> Verdict:
            if value is _MISSING:
                return negate
            value_kind = _kind(value)
            if value_kind is None:
                return None
            return (value_kind == kind and value == operand) != negate

        return equal
    if op == "$in":
        if not isinstance(operand, list | tuple) or not operand:
            return None
        kinds = {_kind(v) for v in operand}
        if None in kinds:
            return None
        options = set(operand)

        def member(value: Any) -> Verdict:
            if value is _MISSING:
                return False
            value_kind = _kind(value)
            if value_kind is None:
                return None
            return value_kind in kinds and value in options

        return member
    if op in _RANGES:
        kind = _kind(operand)
        if kind is None:
            return None
        compare = _RANGES[op]

        def ranged(value: Any) -> Verdict:
            if value is _MISSING:
                return False
            value_kind = _kind(value)
            if value_kind != kind:
                return None  # other kinds: BSON's type order, left to mongomock
            return bool(compare(value, operand))

        return ranged
    if op == "$exists" and isinstance(operand, bool):
        return lambda value: (value is not _MISSING) == operand
    return None


def compile_filter(filter: Any) -> Matcher | None:
    """A matcher for ``filter``, or None when any part of it is outside the plain subset."""
    if not isinstance(filter, Mapping):
        return None
    parts: list[Matcher] = []
    for key, condition in filter.items():
        if not isinstance(key, str):
            return None
        if key in ("$and", "$or"):
            if not isinstance(condition, list) or not condition:
                return None
            subs = [compile_filter(c) for c in condition]
            if any(s is None for s in subs):
                return None
            parts.append(_all(subs) if key == "$and" else _any(subs))  # type: ignore[arg-type]
        elif key.startswith("$"):
            return None
        else:
            part = _condition(key, condition)
            if part is None:
                return None
            parts.append(part)
    return _all(parts)


def _all(parts: list[Matcher]) -> Matcher:
    if len(parts) == 1:
        return parts[0]

    def every(doc: Mapping[str, Any]) -> Verdict:
        sure = True
        for part in parts:
            verdict = part(doc)
            if verdict is False:
                return False
            sure = sure and verdict is True
        return True if sure else None

    return every


def _any(parts: list[Matcher]) -> Matcher:
    def some(doc: Mapping[str, Any]) -> Verdict:
        sure = True
        for part in parts:
            verdict = part(doc)
            if verdict is True:
                return True
            sure = sure and verdict is False
        return False if sure else None

    return some
