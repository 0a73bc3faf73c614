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
