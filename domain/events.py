"""Domain events: one class per fact, past tense, carrying what their consumers need.

Events are plain frozen dataclasses of JSON-friendly fields (str, int, bool, tuples of str), so
the same object crosses processes on the durable event log (``to_record`` / ``from_record``)
and subscribers never re-parse strings. The in-process ``EventBus`` hands each published event
to its local subscribers (best-effort pushes, caches) and to the durable ``EventLog`` port
(everything that must happen: notifications, bot DMs and cards, indexing).
"""

from __future__ import annotations

import copy
import dataclasses
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from domain.bus_run import run_handlers

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    def to_record(self) -> dict[str, Any]:
        # What dataclasses.asdict gives for these JSON-friendly fields (containers copied,
        # immutable leaves shared) at a fraction of its cost: every chat message writes one.
        values = self.__dict__  # a frozen dataclass's fields (no __slots__ here)
        return {"type": type(self).__name__,
                "data": {name: value if type(value) in _SHARED else _copied(value)
                         for name in _names(type(self)) for value in (values[name],)}}


# Immutable leaves, handed on as they are (asdict shares them too).
_SHARED = frozenset({str, int, float, bool, type(None)})


def _copied(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {key: item if type(item) in _SHARED else _copied(item)
                for key, item in value.items()}
    if kind is list or kind is tuple:
        return kind(item if type(item) in _SHARED else _copied(item) for item in value)
    if kind in _SHARED:
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return copy.deepcopy(value)  # anything else, as asdict would


_NAMES: dict[type, tuple[str, ...]] = {}


def _names(cls: type) -> tuple[str, ...]:
    found = _NAMES.get(cls)
    if found is None:
        found = _NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return found


@dataclass(frozen=True)
class UserRegistered(Event):
    user_id: str


@dataclass(frozen=True)
class ProfileUpdated(Event):
    user_id: str


@dataclass(frozen=True)
class ChallengePosted(Event):
    challenge_id: str
    owner_id: str = ""


@dataclass(frozen=True)
class ChallengeUpdated(Event):
    challenge_id: str
    state: str


@dataclass(frozen=True)
class ChallengeExpired(Event):
    """Its deadline passed with no accepted solver; whatever was held went back."""

    challenge_id: str
    owner_id: str
    refunded: int = 0


@dataclass(frozen=True)
class DeadlineApproaching(Event):
    challenge_id: str
    recipient_ids: tuple[str, ...]
    deadline: str  # ISO 8601, UTC


@dataclass(frozen=True)
class ApplicationSubmitted(Event):
    application_id: str
    challenge_id: str
    solver_id: str
    owner_id: str


@dataclass(frozen=True)
class ApplicationDecided(Event):
    """Accepted, rejected or withdrawn; ``state`` says which."""

    application_id: str
    challenge_id: str
    solver_id: str
    owner_id: str
    state: str


@dataclass(frozen=True)
class EscrowChanged(Event):
    """Base of every escrow fact; subscribe to it to hear them all (e.g. socket pushes)."""

    escrow_id: str
    challenge_id: str
    state: str
    participant_ids: tuple[str, ...]


@dataclass(frozen=True)
class EscrowFunded(EscrowChanged):
    amount: int = 0
    currency: str = ""


@dataclass(frozen=True)
class FundingFailed(EscrowChanged):
    """The payment failed or was cancelled; nothing moved and the challenger may pay again."""

    canceled: bool = False


@dataclass(frozen=True)
class MilestoneSubmitted(EscrowChanged):
    milestone: int = 0
    solver_id: str = ""
    owner_id: str = ""


@dataclass(frozen=True)
class MilestoneReleased(EscrowChanged):
    milestone: int = 0
    amount: int = 0
    currency: str = ""


@dataclass(frozen=True)
class EscrowRefunded(EscrowChanged):
    amount: int = 0
    currency: str = ""


@dataclass(frozen=True)
class DisputeOpened(EscrowChanged):
    by_provider: bool = False  # a card dispute (chargeback) rather than a participant


@dataclass(frozen=True)
class DisputeResolved(EscrowChanged):
    release_amount: int = 0
    refund_amount: int = 0


@dataclass(frozen=True)
class EscrowCorrected(EscrowChanged):
    """The provider reported a movement we did not make (an external refund, a reversed
    transfer, a card dispute's outcome); ``correction`` names which."""

    correction: str = ""


@dataclass(frozen=True)
class ReviewPosted(Event):
    review_id: str
    challenge_id: str
    author_id: str
    subject_id: str


@dataclass(frozen=True)
class UserBanned(Event):
    user_id: str
    banned: bool


@dataclass(frozen=True)
class SessionsRevoked(Event):
    """Bearer tokens stopped being valid (logout, password reset...): sockets signed in with
    them must go. ``token_hashes`` are SHA-256 fingerprints; empty means every token."""

    user_id: str
    token_hashes: tuple[str, ...] = ()


@dataclass(frozen=True)
class MessageSent(Event):
    message_id: str
    conversation_id: str
    seq: int
    sender_id: str
    participant_ids: tuple[str, ...]
    # The message as rendered (domain.views.render_message), so subscribers need not read it.
    message: dict[str, Any] | None = None
    # The sender's display name when it was sent (None in events written before it was added).
    sender_name: str | None = None


@dataclass(frozen=True)
class NotificationCreated(Event):
    notification_id: str
    user_id: str
    kind: str = ""


def _event_classes(base: type[Event]) -> dict[str, type[Event]]:
    found: dict[str, type[Event]] = {}
    for sub in base.__subclasses__():
        found[sub.__name__] = sub
        found.update(_event_classes(sub))
    return found


def event_from_record(record: dict[str, Any]) -> Event:
    """The event ``Event.to_record`` wrote. Raises ``ValueError`` for anything else."""
    try:
        cls = _event_classes(Event)[record["type"]]
        # JSON has no tuples; every sequence field of an event is a tuple.
        data = {k: tuple(v) if isinstance(v, list) else v for k, v in record["data"].items()}
        return cls(**data)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not an event record: {exc}") from exc


E = TypeVar("E", bound=Event)
Handler = Callable[[Any], Awaitable[None]]


class EventLog(Protocol):
    """Where events that must be acted on go (the durable event log; see domain/ports.py)."""

    async def append(self, event: Event) -> None: ...


@dataclass
class EventBus:
    """Publishes to every local handler subscribed to the event's class (or a base class),
    and to the durable event log when one is attached.

    Handlers run after the state change is stored; one failing handler is logged and does not
    stop the others or the service that published.
    """

    _handlers: dict[type[Event], list[Handler]] = field(default_factory=lambda: defaultdict(list))
    log: EventLog | None = None
    published: list[Event] = field(default_factory=list)
    keep_history: bool = False

    def subscribe(self, event_type: type[E], handler: Callable[[E], Awaitable[None]]) -> None:
        self._handlers[event_type].append(handler)

    async def publish(self, event: Event) -> None:
        if self.keep_history:
            self.published.append(event)
        if self.log is not None:
            await self.log.append(event)
        await self.run_local(event)

    async def run_local(self, event: Event) -> None:
        """Every handler, as concurrent as ``gather`` would run them, without a task for a
        handler that never waits (``domain.bus_run``). A handler's failure is logged;
        cancelling the publisher cancels all."""
        handlers = [h for cls in type(event).__mro__ for h in self._handlers.get(cls, ())]
        if handlers:
            await run_handlers(handlers, event)
