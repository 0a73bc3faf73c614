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


def _state(model):
    return (type(model), model.__dict__, model.__pydantic_extra__, model.__pydantic_fields_set__,
            model.__pydantic_private__)


async def test_a_copy_with_changes_is_model_copys(storage) -> None:
    from pydantic import BaseModel, ConfigDict

    from domain.models.base import copied_with

    class Extra(BaseModel):
        model_config = ConfigDict(extra="allow")
        a: int = 0

    stored = Message(conversation_id="c1", seq=3, sender_id="u1", body="hi", client_id="m1")
    await stored.insert()
    read = await Message.get(stored.id)  # with Beanie's private state, as the store gives it
    for model, update in ((read, {"seq": 4}), (read, {}), (Extra(a=1, b=2), {"a": 3, "c": 4})):
        copied, expected = copied_with(model, update), model.model_copy(update=update)
        assert _state(copied) == _state(expected)
        assert copied.__dict__ is not model.__dict__
        assert copied.model_fields_set is not model.model_fields_set
    assert copied_with(read, {"seq": 5}).seq == 5 and read.seq == 3
