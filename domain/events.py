"""Domain events (past tense) and the in-process bus that realtime, bots and workers hear."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    pass


@dataclass(frozen=True)
class UserRegistered(Event):
    user_id: str


@dataclass(frozen=True)
class ChallengePosted(Event):
    challenge_id: str


@dataclass(frozen=True)
class ChallengeUpdated(Event):
    challenge_id: str
    state: str


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
    escrow_id: str
    challenge_id: str
    state: str
    participant_ids: tuple[str, ...]
    change: str


@dataclass(frozen=True)
class MilestoneSubmitted(Event):
    challenge_id: str
    milestone: int
    solver_id: str
    owner_id: str


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
class MessageSent(Event):
    message_id: str
    conversation_id: str
    seq: int
    sender_id: str
    participant_ids: tuple[str, ...]


@dataclass(frozen=True)
class NotificationCreated(Event):
    notification_id: str
    user_id: str


Handler = Callable[[Any], Awaitable[None]]


@dataclass
class EventBus:
    """Publishes to every handler subscribed to the event's class (or a base class).

    Handlers run after the state change is stored; one failing handler is logged and does not
    stop the others or the service that published.
    """

    _handlers: dict[type[Event], list[Handler]] = field(default_factory=lambda: defaultdict(list))
    # Handlers that also want events published in other processes (see event_relay).
    _remote: dict[type[Event], list[Handler]] = field(default_factory=lambda: defaultdict(list))
    published: list[Event] = field(default_factory=list)
    keep_history: bool = False

    def subscribe(self, event_type: type[Event], handler: Handler, *,
                  remote: bool = False) -> None:
        """``remote=True``: also called for events relayed from other processes. Only for
        delivery that no other process does (e.g. a bot running on its own); anything that
        writes state stays local, so each event is acted on once, where it happened."""
        self._handlers[event_type].append(handler)
        if remote:
            self._remote[event_type].append(handler)

    async def publish(self, event: Event) -> None:
        if self.keep_history:
            self.published.append(event)
        await self._run(event, self._handlers)

    async def deliver_remote(self, event: Event) -> None:
        """An event another process published: only the handlers that asked for those run."""
        await self._run(event, self._remote)

    async def _run(self, event: Event, table: dict[type[Event], list[Handler]]) -> None:
        handlers = [h for cls in type(event).__mro__ for h in table.get(cls, ())]
        if not handlers:
            return
        results = await asyncio.gather(*(h(event) for h in handlers), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                log.error("event handler failed for %r", event, exc_info=result)
