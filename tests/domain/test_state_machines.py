"""The transition tables themselves: every pair of states is either allowed or refused."""

from __future__ import annotations

import itertools

import pytest

from domain.errors import InvalidTransition
from domain.models.challenges import ApplicationState, ChallengeState
from domain.models.escrow import EscrowState
from domain.state_machines import APPLICATION, CHALLENGE, ESCROW, ensure, sources

TABLES = [(CHALLENGE, ChallengeState), (APPLICATION, ApplicationState), (ESCROW, EscrowState)]
ALLOWED = {
    (t, a, b) for t, (table, _) in enumerate(TABLES) for a, targets in table.items()
    for b in targets
}
PAIRS = [(t, a, b) for t, (_, states) in enumerate(TABLES)
         for a, b in itertools.product(states, repeat=2)]


def test_every_state_has_a_row() -> None:
    for table, states in TABLES:
        assert set(table) == set(states)


@pytest.mark.parametrize(("table_index", "current", "target"), PAIRS)
def test_transition_is_allowed_exactly_when_listed(table_index, current, target) -> None:
    table = TABLES[table_index][0]
    if (table_index, current, target) in ALLOWED:
        ensure(table, current, target, "thing")
        assert str(current) in sources(table, target)
    else:
        with pytest.raises(InvalidTransition):
            ensure(table, current, target, "thing")
        assert str(current) not in sources(table, target)


def test_terminal_states() -> None:
    assert CHALLENGE[ChallengeState.REMOVED] == frozenset()
    assert ESCROW[EscrowState.RELEASED] == ESCROW[EscrowState.REFUNDED] == frozenset()
    assert all(not APPLICATION[s] for s in ApplicationState if s != ApplicationState.PENDING)
