"""What every stored document shares: a cheaper start for each instance.

Beanie's ``Document`` inherits lazy_model's ``_store`` private attribute with
``default_factory=dict``. For a factory, pydantic (2.13) calls ``inspect.signature`` on it twice
per instance to learn whether it takes the validated data; on a builtin like ``dict`` that
fails slowly, and it was a third of the cost of reading a challenge or a message. The same
empty dict as a plain ``default`` is copied per instance instead (pydantic copies an empty
builtin collection with ``.copy()``), so every instance still gets its own dict.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from beanie import Document
from pydantic import PrivateAttr


def cheap_private_defaults(documents: Iterable[type[Document]]) -> None:
    """Give each document class's ``dict``-factory private attributes a plain ``{}``
    default (the same value, without the per-instance signature check)."""
    for document in documents:
        private = document.__private_attributes__
        for name, attribute in list(private.items()):
            if attribute.default_factory is dict:
                private[name] = PrivateAttr(default={})


D = TypeVar("D", bound=Document)
_BLANKS: dict[type[Any], tuple[Any, frozenset[str]]] = {}


def construct_trusted(document: type[D], **values: Any) -> D:
    """``document.model_construct(**values)`` for values we wrote ourselves and trust, at a
    third of its cost (a chat message is built this way after its insert): a copy of a blank
    instance made once per class, with the values set and fresh private state. Every field
    without a plain default must be given (a default factory's value is never shared)."""
    blank, needed = _BLANKS.get(document, (None, frozenset()))
    if blank is None:
        blank = document.model_construct()
        needed = frozenset(name for name, field in document.model_fields.items()
                           if field.is_required() or field.default_factory is not None)
        _BLANKS[document] = (blank, needed)
    missing = needed - values.keys()
    if missing:
        raise TypeError(f"{document.__name__} needs {sorted(missing)}")
    built: D = blank.model_copy(update=values)
    # model_copy shares the blank's private containers (lazy_model's _store): fresh ones.
    private = built.__pydantic_private__
    if private:
        for name, value in private.items():
            if type(value) in (dict, list, set):
                private[name] = type(value)()
    return built
