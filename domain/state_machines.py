"""Explicit transition tables: the only place that says which state may follow which."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from domain.errors import InvalidTransition
from domain.models.challenges import ApplicationState as A
from domain.models.challenges import ChallengeState as C
from domain.models.escrow import EscrowState as E

CHALLENGE: Mapping[StrEnum, frozenset[StrEnum]] = {
    C.DRAFT: frozenset({C.OPEN, C.CANCELLED, C.REMOVED}),
    C.OPEN: frozenset({C.IN_PROGRESS, C.CANCELLED, C.REMOVED, C.EXPIRED}),
    C.IN_PROGRESS: frozenset({C.COMPLETED, C.CANCELLED, C.REMOVED}),
    C.COMPLETED: frozenset({C.REMOVED}),
    C.CANCELLED: frozenset({C.REMOVED}),
    C.REMOVED: frozenset(),
    C.EXPIRED: frozenset({C.REMOVED}),
}

APPLICATION: Mapping[StrEnum, frozenset[StrEnum]] = {
    A.PENDING: frozenset({A.ACCEPTED, A.REJECTED, A.WITHDRAWN}),
    A.ACCEPTED: frozenset(),
    A.REJECTED: frozenset(),
    A.WITHDRAWN: frozenset(),
}

ESCROW: Mapping[StrEnum, frozenset[StrEnum]] = {
    E.AWAITING_FUNDING: frozenset({E.FUNDED}),
    E.FUNDED: frozenset({E.PARTIALLY_RELEASED, E.RELEASED, E.REFUNDED, E.DISPUTED}),
    E.PARTIALLY_RELEASED: frozenset({E.PARTIALLY_RELEASED, E.RELEASED, E.REFUNDED, E.DISPUTED}),
    E.DISPUTED: frozenset({E.RELEASED, E.REFUNDED}),
    E.RELEASED: frozenset(),
    E.REFUNDED: frozenset(),
}


def sources(table: Mapping[StrEnum, frozenset[StrEnum]], target: StrEnum) -> list[str]:
    """Every state from which ``target`` may be entered: the filter of a conditional update."""
    return [str(state) for state, targets in table.items() if target in targets]


def ensure(table: Mapping[StrEnum, frozenset[StrEnum]], current: StrEnum, target: StrEnum,
           what: str) -> None:
    if target not in table[current]:
        raise InvalidTransition(f"{what} cannot go from {current} to {target}",
                                current=str(current), target=str(target))
