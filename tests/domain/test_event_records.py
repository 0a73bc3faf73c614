"""An event's record is what ``dataclasses.asdict`` gives, detached from the event."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.events import ChallengeUpdated, MessageSent, event_from_record

LEAVES = st.one_of(st.text(max_size=3), st.integers(), st.floats(allow_nan=False),
                   st.booleans(), st.none())
JSON = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.tuples(inner, inner),
    st.dictionaries(st.text(max_size=2), inner, max_size=3)), max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(message=st.one_of(st.none(), st.dictionaries(st.text(max_size=3), JSON, max_size=4)),
       participants=st.lists(st.text(max_size=3), max_size=3),
       name=st.one_of(st.none(), st.text(max_size=3)))
def test_a_record_is_asdict_and_shares_no_container(message, participants, name) -> None:
    event = MessageSent(message_id="m1", conversation_id="c1", seq=3, sender_id="u1",
                        participant_ids=tuple(participants), message=message, sender_name=name)
    record = event.to_record()
    assert record == {"type": "MessageSent", "data": dataclasses.asdict(event)}
    assert [type(v) for v in record["data"].values()] == [
        type(v) for v in dataclasses.asdict(event).values()]
    if message is not None:
        assert record["data"]["message"] is not message
        record["data"]["message"]["added"] = 1  # the event's own dict is not touched
        assert "added" not in message
    assert event_from_record(MessageSent(**{**dataclasses.asdict(event)}).to_record()) == event


def test_every_field_is_in_the_record() -> None:
    assert ChallengeUpdated("c1", "open").to_record() == {
        "type": "ChallengeUpdated", "data": {"challenge_id": "c1", "state": "open"}}
