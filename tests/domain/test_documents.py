"""Building documents from values we wrote ourselves (domain/models/base.py)."""

from __future__ import annotations

import pytest

from domain.models.base import construct_trusted
from domain.models.chat import Message
from domain.models.common import new_id, utcnow


async def test_a_trusted_construction_is_model_constructs(storage) -> None:
    values = dict(id=new_id(), conversation_id="c1", seq=3, sender_id="u1", body="hi",
                  client_id="m1", created_at=utcnow())
    built, again = construct_trusted(Message, **values), construct_trusted(Message, **values)
    constructed = Message.model_construct(**values)
    assert built == constructed and built.model_fields_set == constructed.model_fields_set
    assert built.__pydantic_private__ == constructed.__pydantic_private__
    assert built.__dict__ == constructed.__dict__ and type(built) is Message
    assert built.__pydantic_extra__ == constructed.__pydantic_extra__
    assert type(built.model_fields_set) is set  # as model_construct's: a set of its own
    built.model_fields_set.add("x")
    assert "x" not in again.model_fields_set
    assert built.model_dump() == constructed.model_dump()
    # Nothing shared between two instances but immutable values.
    assert built is not again and built._store is not again._store  # lazy_model's dict
    other = construct_trusted(Message, **{**values, "seq": 4})
    assert (built.seq, other.seq) == (3, 4)


async def test_fields_with_a_default_factory_must_be_given(storage) -> None:
    with pytest.raises(TypeError, match="created_at"):
        construct_trusted(Message, id=new_id(), conversation_id="c1", seq=1, sender_id="u1",
                          body="hi", client_id="m1")
