"""Ports: what the domain needs from the outside world, implemented in domain/adapters/."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True)
class Checkout:
    """Where the payer goes to pay, and the gateway's reference for that payment."""

    url: str
    reference: str


class PaymentNotMade(Exception):
    """Raised by a gateway that knows for certain nothing was sent (e.g. the payee cannot
    receive payouts yet): the decision is released at once, without asking the gateway."""


@dataclass(frozen=True)
class Movement:
    """One movement of money the gateway reports for a challenge (its transfer group).

    ``kind`` is ``payment`` (a charge that succeeded), ``refund``, ``transfer`` (to a payee) or
    ``reversal`` (a transfer pulled back). ``idempotency_key`` is ours, when we made it.
    ``source`` is the payment a refund or transfer drew from.
    """

    kind: str
    reference: str
    amount: int
    currency: str
    idempotency_key: str | None = None
    source: str | None = None


@runtime_checkable
class RecordsSimulatedPayments(Protocol):
    """The embedded gateway: told when its simulated checkout was paid, as Stripe would know."""

    def record_payment(self, reference: str, *, escrow_id: str, amount: int,
                       currency: str) -> None: ...


class PaymentGateway(Protocol):
    """Moves real (or simulated) money. Every call carries our idempotency key: calling twice
    with the same key must have the effect of calling once."""

    async def start_funding(self, *, escrow_id: str, challenge_id: str, amount: int,
                            currency: str, idempotency_key: str) -> Checkout: ...

    async def transfer(self, *, escrow_id: str, challenge_id: str, payee_id: str, amount: int,
                       currency: str, source_reference: str | None,
                       idempotency_key: str) -> str: ...

    async def refund(self, *, escrow_id: str, amount: int, currency: str,
                     source_reference: str | None, idempotency_key: str) -> str: ...

    async def create_payee_account(self, *, user_id: str, email: str | None,
                                   idempotency_key: str) -> str:
        """Open the account a payee (solver) is paid into; returns its reference."""
        ...

    async def create_onboarding_link(self, *, account_ref: str, refresh_url: str,
                                     return_url: str, idempotency_key: str) -> str:
        """A one-time URL where the payee completes the provider's onboarding."""
        ...

    async def escrow_of_payment(self, *, payment_ref: str) -> str | None:
        """Our escrow id for one of the provider's payments (events that do not name it)."""
        ...

    async def movements(self, *, escrow_id: str, challenge_id: str,
                        source_reference: str | None) -> list[Movement]:
        """Everything the gateway moved for this challenge: payments, refunds, transfers,
        reversals. Read-only; what recovery and reconciliation compare the ledger with."""
        ...


@dataclass(frozen=True)
class Email:
    """One mail, already rendered: a plain-text body and an HTML alternative."""

    to: str
    subject: str
    text: str
    html: str
    # Extra headers, e.g. List-Unsubscribe for notification mails.
    headers: tuple[tuple[str, str], ...] = ()


class Mailer(Protocol):
    """Sends mail: SMTP (SMTP_URL) in production, the store's outbox when embedded."""

    async def send(self, email: Email) -> None:
        """Raise ``MailFailed`` (domain/errors.py) when the mail could not be handed over."""
        ...

    @property
    def kept_locally(self) -> bool:
        """True when mails are kept in the local outbox instead of leaving the machine."""
        ...


class Presence(Protocol):
    """Who has a live socket now (the realtime layer's presence, in process or in Redis)."""

    async def online(self, user_ids: Iterable[str]) -> dict[str, bool]: ...


@dataclass(frozen=True)
class LogEntry:
    """One entry of a durable stream as a consumer group sees it."""

    stream: str
    entry_id: str  # the stream's own id (what is acknowledged)
    key: str  # stable across re-deliveries and duplicates: what handlers dedupe on
    record: dict[str, Any]


@dataclass(frozen=True)
class DeadLetter:
    stream: str
    group: str
    key: str
    record: dict[str, Any]
    error: str
    attempts: int
    failed_at: str


@dataclass(frozen=True)
class GroupStats:
    stream: str
    group: str
    length: int  # entries in the stream
    pending: int  # delivered to a consumer, not yet acknowledged
    lag: int  # not yet delivered to the group
    dead: int


class DurableLog(Protocol):
    """Append-only streams read by consumer groups: each group sees every entry once (a
    crashed consumer's entries go to another after ``lease`` seconds), acknowledges what it
    finished, and keeps failures as dead letters that can be retried. Redis Streams in
    production (domain/adapters/redis_log.py), in-process when embedded."""

    async def append(self, stream: str, record: dict[str, Any]) -> str: ...

    async def ensure_group(self, stream: str, group: str) -> None: ...

    async def read(self, stream: str, group: str, consumer: str, *, count: int,
                   block_ms: int, lease: float) -> list[LogEntry]:
        """This consumer's own unacknowledged entries first (a restart resumes in order),
        then entries other consumers left idle longer than ``lease``, then new ones."""
        ...

    async def attempt(self, entry: LogEntry, group: str) -> int:
        """Count one more attempt at ``entry`` by ``group`` (kept across crashes)."""
        ...

    async def ack(self, entry: LogEntry, group: str) -> None: ...

    async def touch(self, entries: list[LogEntry], group: str, consumer: str) -> None:
        """Keep the lease on entries still being worked on."""
        ...

    async def bury(self, entry: LogEntry, group: str, error: str, attempts: int) -> None:
        """Move ``entry`` to the group's dead letters and acknowledge it."""
        ...

    async def dead_letters(self, stream: str, group: str) -> list[DeadLetter]: ...

    async def retry_dead(self, stream: str, group: str, key: str | None = None) -> int:
        """Hand dead letters (one, or all) back to the group; returns how many."""
        ...

    async def stats(self) -> list[GroupStats]: ...

    async def once(self, name: str, ttl: float) -> bool:
        """True for the first caller of ``name`` within ``ttl`` seconds (schedule ticks)."""
        ...

    async def close(self) -> None: ...


class BadSignature(Exception):
    """A webhook payload was not signed with our secret, or its signature is too old."""


class WebhookSignatures(Protocol):
    """The payment provider's webhook signature scheme (Stripe's ``Stripe-Signature``); the
    offline gateway signs its simulated events with the same scheme."""

    def verify(self, payload: bytes, header: str | None, secret: str) -> dict[str, Any]:
        """The decoded event; raises ``BadSignature``."""
        ...

    def sign(self, payload: str, secret: str, timestamp: int | None = None) -> str: ...
class LoginAttempts(Protocol):
    """Failed sign-ins per account, and how long the account is locked against guessing."""

    async def state(self, key: str) -> tuple[int, float]:
        """(failures so far, seconds the account is still locked; 0 when it is not)."""
        ...

    async def failed(self, key: str, remember: int) -> int:
        """Count one failure (forgotten ``remember`` seconds after the last); the new count."""
        ...

    async def lock(self, key: str, seconds: float) -> None: ...

    async def clear(self, key: str) -> None: ...



# ---- search, embeddings, chat model (issue 14) ----------------------------------------------

@dataclass(frozen=True)
class SearchDocument:
    """What the search index holds of one challenge. Times are UNIX seconds (UTC)."""

    id: str
    title: str
    description: str
    category: str
    tags: tuple[str, ...]
    difficulty: str
    reward: int
    currency: str
    state: str
    visibility: str
    community_id: str | None
    owner_id: str
    deadline: int | None
    created_at: int
    updated_at: int
    popularity: int


@dataclass(frozen=True)
class SearchFilters:
    """Conditions every hit must meet; the domain decides them (visibility lives there)."""

    states: tuple[str, ...] = ("open",)
    visibilities: tuple[str, ...] | None = ("public",)  # None: any visibility
    owner_id: str | None = None
    category: str | None = None
    tags: tuple[str, ...] = ()  # every one of them
    difficulty: str | None = None
    currency: str | None = None
    community_id: str | None = None
    min_reward: int | None = None
    max_reward: int | None = None
    deadline_before: int | None = None
    deadline_after: int | None = None


# Sorts every index offers; "relevance" ranks by text match, then newest.
SEARCH_SORTS = ("relevance", "newest", "reward", "deadline", "popular")
SEARCH_FACETS = ("category", "tags", "difficulty", "currency", "state", "community_id")


@dataclass(frozen=True)
class SearchRequest:
    text: str = ""
    filters: SearchFilters = SearchFilters()
    sort: str = "relevance"
    offset: int = 0
    limit: int = 20
    facets: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchHit:
    id: str
    # field -> text with the matched words inside <mark></mark>
    highlights: dict[str, str]


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    found: int
    facets: dict[str, dict[str, int]]


@dataclass(frozen=True)
class Suggestion:
    text: str
    challenge_id: str


class SearchIndex(Protocol):
    """Full-text search over challenges: typo tolerant, prefix aware, filtered, faceted.
    Typesense in production (domain/adapters/search_typesense.py), SQLite FTS5 embedded
    (domain/adapters/search_sqlite.py). The index may lag the store; the domain re-checks
    every hit against the store before showing it."""

    name: str

    async def upsert(self, documents: list[SearchDocument]) -> None: ...

    async def delete(self, ids: list[str]) -> None: ...

    async def search(self, request: SearchRequest) -> SearchResult: ...

    async def suggest(self, prefix: str, filters: SearchFilters,
                      limit: int) -> list[Suggestion]: ...

    async def high_water_mark(self) -> int | None:
        """The largest ``updated_at`` indexed (None when empty): where a catch-up resumes."""
        ...

    async def clear(self) -> None: ...

    async def count(self) -> int: ...

    async def close(self) -> None: ...

class Embedder(Protocol):
    """Turns texts into unit-length vectors; vectors of different ``model``s never mix."""

    model: str

    async def embed(self, texts: list[str]) -> list[list[float]]: ...


class ChatModel(Protocol):
    """A chat-completion model asked for one JSON object (OpenAI in production)."""

    model: str

    async def complete_json(self, *, system: str, user: str) -> dict[str, Any]: ...
