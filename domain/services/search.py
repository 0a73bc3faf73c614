"""Search: keeping the index current, text search behind the listing, autocomplete.

The index (a ``SearchIndex`` port) proposes and orders; the store decides. Every hit is
re-read from the store under the listing's own visibility condition before anyone sees it, so
an index that lags (a node that was down, an event still queued) can make a result go missing
for a moment but can never show an unlisted or removed challenge to someone else.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from domain.deps import Deps
from domain.errors import ValidationFailed
from domain.events import ApplicationSubmitted, ChallengePosted, ChallengeUpdated, Event
from domain.models.challenges import Challenge, ChallengeState, Visibility
from domain.ports import SearchDocument, SearchFilters, SearchIndex, SearchRequest, Suggestion
from domain.services.pagination import decode_cursor, encode_cursor

SUGGEST_LIMIT = 8
REINDEX_BATCH = 500
# The listing's facets (what a search page can narrow by).
LISTING_FACETS = ("category", "tags", "difficulty", "currency")
# A search cursor is an offset into the index's ranking, marked so it is not taken for a
# keyset cursor of another sort.
_CURSOR_MARK = "~search"
_PENDING = "search.pending"
# How long an index write waits for more changes to join it (seconds); a query never waits it.
BATCH_WINDOW = 0.1
log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


def _seconds(value: datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def document_of(challenge: Challenge) -> SearchDocument:
    return SearchDocument(
        id=challenge.id, title=challenge.title, description=challenge.description,
        category=challenge.category, tags=tuple(challenge.tags),
        difficulty=str(challenge.difficulty), reward=challenge.reward.amount,
        currency=challenge.reward.currency, state=str(challenge.state),
        visibility=str(challenge.visibility), community_id=challenge.community_id,
        owner_id=challenge.owner_id, deadline=_seconds(challenge.deadline),
        created_at=int(challenge.created_at.timestamp()),
        updated_at=int(challenge.updated_at.timestamp()),
        popularity=challenge.application_count)


def index_of(deps: Deps) -> SearchIndex:
    if deps.search is None:
        raise RuntimeError("no search index was built for this process (bootstrap sets one)")
    return deps.search


# ---- keeping the index current -------------------------------------------------------------

async def index_challenges(deps: Deps, challenge_ids: list[str]) -> None:
    """Bring these challenges' index entries in line with the store (idempotent)."""
    found = await Challenge.find({"_id": {"$in": challenge_ids}}).to_list()
    index = index_of(deps)
    await index.upsert([document_of(c) for c in found])
    missing = sorted(set(challenge_ids) - {c.id for c in found})
    if missing:
        await index.delete(missing)


def challenge_of(event: object) -> str | None:
    """The challenge whose index entry an event changes, if any."""
    if isinstance(event, ChallengePosted | ChallengeUpdated | ApplicationSubmitted):
        return event.challenge_id
    return None


INDEXED_EVENTS: tuple[type[Event], ...] = (ChallengePosted, ChallengeUpdated,
                                           ApplicationSubmitted)


async def index_event(deps: Deps, event: object) -> None:
    """Bring the index up to date with what ``event`` changed (idempotent; any event)."""
    challenge_id = challenge_of(event)
    if challenge_id is not None:
        await index_challenges(deps, [challenge_id])


class PendingIndex:
    """Challenges whose index entries are behind the store, indexed together.

    A burst of changes to one challenge (a popular one taking applications, a state change
    and its counters) costs one read and one index write instead of one per change: the
    write waits up to ``BATCH_WINDOW`` for the rest of the burst. Queries ``settle`` it
    first (which cuts the wait short), so a node still reads its own writes. A failed write is
    logged and dropped: the index is a cache of the store, and ``catch_up`` at start (or the
    worker's durable path for a shared index) brings it back in line."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.ids: set[str] = set()
        self._task: asyncio.Task[None] | None = None
        self._hurry = asyncio.Event()

    def add(self, challenge_id: str) -> None:
        self.ids.add(challenge_id)
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._write())

    async def _write(self) -> None:
        self._hurry.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._hurry.wait(), BATCH_WINDOW)
        while self.ids:
            batch, self.ids = sorted(self.ids), set()
            try:
                await index_challenges(self.deps, batch)
            except Exception:
                log.exception("indexing %d challenge(s) failed; catch-up will redo them",
                              len(batch))

    async def settle(self) -> None:
        """Return once everything added so far is in the index (or was given up on)."""
        task = self._task
        if task is not None and not task.done():
            self._hurry.set()
            await asyncio.shield(task)


def pending_index(deps: Deps) -> PendingIndex | None:
    found = deps.extras.get(_PENDING)
    return found if isinstance(found, PendingIndex) else None


async def settle(deps: Deps) -> None:
    pending = pending_index(deps)
    if pending is not None:
        await pending.settle()


def subscribe_indexer(deps: Deps) -> None:
    """Index in process, right after each change; workers/search.py is the durable path."""
    pending = PendingIndex(deps)
    deps.extras[_PENDING] = pending

    async def on_event(event: Event) -> None:
        challenge_id = challenge_of(event)
        if challenge_id is not None:
            pending.add(challenge_id)

    for event_type in INDEXED_EVENTS:
        deps.bus.subscribe(event_type, on_event)


async def _index_all(deps: Deps, condition: dict[str, Any], progress: Progress | None) -> int:
    total = await Challenge.find(condition).count()
    done = 0
    if progress:
        progress(0, total)
    last_id: str | None = None
    while True:
        page_condition = dict(condition)
        if last_id is not None:
            page_condition["_id"] = {"$gt": last_id}
        batch = await (Challenge.find(page_condition).sort("+_id")
                       .limit(REINDEX_BATCH).to_list())
        if not batch:
            break
        await index_of(deps).upsert([document_of(c) for c in batch])
        done += len(batch)
        last_id = batch[-1].id
        if progress:
            progress(done, max(total, done))
    return done


async def reindex(deps: Deps, progress: Progress | None = None) -> int:
    """Rebuild the whole index from the store; returns how many challenges it holds."""
    await index_of(deps).clear()
    return await _index_all(deps, {}, progress)


async def catch_up(deps: Deps, progress: Progress | None = None) -> int:
    """Index everything changed since the index's high-water mark (all of it when empty).

    A node that was down, or an index that lost its data, comes back current this way. The
    mark has one-second resolution, so the last second is indexed again (upserts are
    idempotent)."""
    mark = await index_of(deps).high_water_mark()
    if mark is None:
        return await _index_all(deps, {}, progress)
    since = datetime.fromtimestamp(mark, tz=UTC)
    return await _index_all(deps, {"updated_at": {"$gte": since}}, progress)


# ---- reading -------------------------------------------------------------------------------

@dataclass
class SearchPage:
    items: list[Challenge]
    next_cursor: str | None
    found: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    highlights: dict[str, dict[str, str]] = field(default_factory=dict)


def search_cursor(offset: int) -> str:
    return encode_cursor(offset, _CURSOR_MARK)


def search_offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    value, mark = decode_cursor(cursor)
    if mark != _CURSOR_MARK or not isinstance(value, int) or value < 0:
        raise ValidationFailed("cursor is not one this search gave out")
    return value


async def search_challenges(deps: Deps, text: str, filters: SearchFilters,
                            condition: dict[str, Any], *, sort: str, limit: int,
                            cursor: str | None) -> SearchPage:
    """Rank with the index, then keep only what ``condition`` (the listing's visibility and
    filters, decided by the caller in the domain) admits in the store."""
    offset = search_offset(cursor)
    await settle(deps)
    result = await index_of(deps).search(SearchRequest(
        text=text, filters=filters, sort=sort, offset=offset, limit=limit,
        facets=LISTING_FACETS))
    ids = [hit.id for hit in result.hits]
    stored = {c.id: c for c in await Challenge.find(
        {"$and": [condition, {"_id": {"$in": ids}}]}).to_list()} if ids else {}
    items = [stored[i] for i in ids if i in stored]
    more = offset + len(ids) < result.found and len(ids) == limit
    return SearchPage(items=items, next_cursor=search_cursor(offset + limit) if more else None,
                      found=result.found, facets=result.facets,
                      highlights={h.id: h.highlights for h in result.hits
                                  if h.id in stored and h.highlights})


async def suggest(deps: Deps, text: str) -> list[Suggestion]:
    """Autocomplete for the search box: titles of open, public challenges."""
    text = text.strip()[:100]
    if not text:
        return []
    await settle(deps)
    found = await index_of(deps).suggest(
        text, SearchFilters(states=(ChallengeState.OPEN,), visibilities=(Visibility.PUBLIC,)),
        SUGGEST_LIMIT)
    if not found:
        return []
    visible = {c.id for c in await Challenge.find(
        {"_id": {"$in": [s.challenge_id for s in found]}, "state": ChallengeState.OPEN,
         "visibility": Visibility.PUBLIC}).to_list()}
    return [s for s in found if s.challenge_id in visible]
