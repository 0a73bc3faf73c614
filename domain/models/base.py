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
from dataclasses import dataclass
from typing import Any, TypeVar

from beanie import Document
from pydantic import BaseModel, PrivateAttr
from pydantic_core import PydanticUndefined


def cheap_private_defaults(documents: Iterable[type[Document]]) -> None:
    """Give each document class's ``dict``-factory private attributes a plain ``{}``
    default (the same value, without the per-instance signature check)."""
    for document in documents:
        private = document.__private_attributes__
        for name, attribute in list(private.items()):
            if attribute.default_factory is dict:
                private[name] = PrivateAttr(default={})


D = TypeVar("D", bound=Document)
_set = object.__setattr__
_get = object.__getattribute__


@dataclass(frozen=True)
class _Blank:
    """What every instance of one document class starts from."""

    values: dict[str, Any]  # model_construct()'s field values (plain defaults only)
    fields_set: frozenset[str]
    extra: dict[str, Any] | None
    private: tuple[tuple[str, Any], ...]  # lazy_model's and Beanie's private state
    needed: frozenset[str]  # fields without a plain default


_BLANKS: dict[type[Any], _Blank] = {}
_FRESH = (dict, list, set)  # private containers each instance gets its own of


def _blank(document: type[Document]) -> _Blank:
    made = document.model_construct()
    private = _get(made, "__pydantic_private__") or {}
    blank = _Blank(
        values=dict(_get(made, "__dict__")),
        fields_set=frozenset(_get(made, "__pydantic_fields_set__")),
        extra=_get(made, "__pydantic_extra__"),
        private=tuple((k, v) for k, v in private.items() if v is not PydanticUndefined),
        needed=frozenset(name for name, field in document.model_fields.items()
                         if field.is_required() or field.default_factory is not None))
    if blank.extra is not None or document.model_config.get("extra") == "allow":
        raise TypeError(f"{document.__name__} keeps extra fields: use model_construct")
    _BLANKS[document] = blank
    return blank


def construct_trusted(document: type[D], **values: Any) -> D:
    """``document.model_construct(**values)`` for values we wrote ourselves and trust, at a
    fraction of its cost (a chat message is built this way after its insert): the instance
    state pydantic's ``model_copy(update=values)`` of a blank instance would give (its
    documented ``__dict__``, ``__pydantic_fields_set__``, ``__pydantic_extra__`` and
    ``__pydantic_private__``), set directly: every attribute read through a Beanie document
    goes through lazy_model's ``__getattribute__``, and model_copy makes a dozen. Private
    containers are fresh per instance; every field without a plain default must be given
    (a default factory's value is never shared). tests/domain/test_documents.py compares the
    result with model_construct's."""
    blank = _BLANKS.get(document) or _blank(document)
    if not blank.needed <= values.keys():
        missing = blank.needed - values.keys()
        raise TypeError(f"{document.__name__} needs {sorted(missing)}")
    built: D = document.__new__(document)
    _set(built, "__dict__", {**blank.values, **values})
    _set(built, "__pydantic_extra__", None)
    _set(built, "__pydantic_fields_set__", values.keys() | blank.fields_set)  # a new set
    _set(built, "__pydantic_private__",
         {k: type(v)() if type(v) in _FRESH else v for k, v in blank.private})
    return built


M = TypeVar("M", bound=BaseModel)


def copied_with(model: M, update: dict[str, Any]) -> M:
    """``model.model_copy(update=update)`` (a shallow copy with those fields replaced), with the
    instance state its ``__copy__`` gives set directly: a listing copies every challenge it
    hands out, and model_copy reads a dozen attributes through lazy_model's
    ``__getattribute__``. Models keeping extra fields take model_copy itself (it sorts the
    update into fields and extras). tests/domain/test_documents.py compares the two."""
    cls = type(model)
    if cls.model_config.get("extra") == "allow":
        return model.model_copy(update=update)
    built: M = cls.__new__(cls)
    values = _get(model, "__dict__").copy()
    values.update(update)
    _set(built, "__dict__", values)
    extra = _get(model, "__pydantic_extra__")
    _set(built, "__pydantic_extra__", None if extra is None else extra.copy())
    fields_set = set(_get(model, "__pydantic_fields_set__"))
    fields_set.update(update)
    _set(built, "__pydantic_fields_set__", fields_set)
    try:
        private = _get(model, "__pydantic_private__")
    except AttributeError:
        private = None
    _set(built, "__pydantic_private__", None if private is None else {
        k: v for k, v in private.items() if v is not PydanticUndefined})
    return built
