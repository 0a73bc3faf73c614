"""Keyset (cursor) pagination: stable under inserts, no skip() scans."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import Any

from domain.errors import ValidationFailed


def encode_cursor(value: Any, doc_id: str) -> str:
    if isinstance(value, datetime):
        payload = {"t": value.isoformat(), "id": doc_id}
    else:
        payload = {"v": value, "id": doc_id}
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, str]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        value = datetime.fromisoformat(raw["t"]) if "t" in raw else raw["v"]
        doc_id = raw["id"]
        if not isinstance(doc_id, str):
            raise TypeError("id")
    except (ValueError, TypeError, KeyError):
        raise ValidationFailed("cursor is not one this server gave out") from None
    return value, doc_id


def after_filter(field: str, descending: bool, cursor: str | None) -> dict[str, Any]:
    """The condition selecting documents after ``cursor`` in (field, _id) order."""
    if not cursor:
        return {}
    value, doc_id = decode_cursor(cursor)
    op = "$lt" if descending else "$gt"
    return {"$or": [{field: {op: value}}, {field: value, "_id": {op: doc_id}}]}
