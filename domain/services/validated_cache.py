"""Validated documents kept with the stored form they came from, for pages read over and over.

A listing page validates every challenge it shows; most of them are the same from one request
to the next. Here a document read as stored (a raw dict from the driver) is validated once and
kept next to that raw dict; the next read of the same id whose raw dict is equal gets a copy of
the validated one. Equality with what the store just returned is the whole test, so a change
made anywhere (another path, another process) is never missed, on the embedded store and on a
real MongoDB alike. The copy given out has its own lists, dicts and sub-models (a caller that
changes one changes nothing here); frozen sub-models are shared as they cannot change.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any, Generic, TypeVar

from beanie import Document
from pydantic import BaseModel

from domain.models.base import copied_with

D = TypeVar("D", bound=Document)
R = TypeVar("R")


# Values that cannot change in place, passed on as they are (checked first: most are these).
_IMMUTABLE = frozenset({str, int, float, bool, type(None), datetime, bytes})


def _detached(value: Any) -> Any:
    kind = type(value)
    if kind in _IMMUTABLE:
        return value
    if kind is list:
        return [_detached(item) for item in value]
    if kind is dict:
        return {key: _detached(item) for key, item in value.items()}
    if isinstance(value, BaseModel) and not value.model_config.get("frozen"):
        return copied_with(value, _detached_fields(value))
    return value  # immutable: enums, frozen models, ObjectIds...


def _detached_fields(model: BaseModel) -> dict[str, Any]:
    changed = {}
    for name, value in model.__dict__.items():
        kind = type(value)
        if kind in _IMMUTABLE or isinstance(value, Enum):
            continue
        if kind is list or kind is dict or isinstance(value, BaseModel):
            changed[name] = _detached(value)
    return changed


class ValidatedCache(Generic[D]):
    def __init__(self, model: type[D], limit: int = 5_000) -> None:
        self.model = model
        self.limit = limit
        self._entries: dict[Any, tuple[dict[str, Any], D]] = {}

    def load(self, raw: dict[str, Any]) -> D:
        """``raw`` (a document as the store returned it) validated, as ``model_validate``
        would give it."""
        entry = self._entries.get(raw["_id"])
        if entry is None or entry[0] != raw:
            if len(self._entries) >= self.limit:
                self._entries.clear()  # bounded; the next pages fill it again
            entry = self._entries[raw["_id"]] = (raw, self.model.model_validate(raw))
        kept = entry[1]
        return copied_with(kept, _detached_fields(kept))


class RenderedCache(Generic[D, R]):
    """A document's rendering (its view as clients get it), computed once per stored form.

    For pushes that render the same document again and again (a watched challenge changing
    several times a second): the stored form is read on every push, as before, and compared
    with the one the kept rendering came from. Model and rendering are shared, not copied:
    callers only read them (a push encodes the rendering at once)."""

    def __init__(self, model: type[D], render: Callable[[D], R], limit: int = 5_000) -> None:
        self.model = model
        self.render = render
        self.limit = limit
        self._entries: dict[Any, tuple[dict[str, Any], D, R]] = {}

    def load(self, raw: dict[str, Any]) -> tuple[D, R]:
        """``raw`` validated and rendered; both shared, to be read and not changed."""
        entry = self._entries.get(raw["_id"])
        if entry is None or entry[0] != raw:
            if len(self._entries) >= self.limit:
                self._entries.clear()
            model = self.model.model_validate(raw)
            entry = self._entries[raw["_id"]] = (raw, model, self.render(model))
        return entry[1], entry[2]
