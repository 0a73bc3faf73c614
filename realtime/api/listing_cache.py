"""A short-lived cache of challenge listing responses.

The first pages of the default listing are most of the API's read traffic and change only when
a challenge does. Every challenge change in this process (a domain event) empties the cache at
once; changes made by other processes (other nodes, workers) are seen after ``ttl`` seconds,
which is short when a Redis URL says several nodes may share the data.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from aiohttp import web

from domain.events import ApplicationSubmitted, ChallengePosted, ChallengeUpdated, EventBus

LISTING_CACHE = web.AppKey("listing_cache", "ListingCache")
SINGLE_NODE_TTL = 30.0
MULTI_NODE_TTL = 1.0


@dataclass
class ListingCache:
    ttl: float
    max_entries: int = 512
    _entries: dict[str, tuple[float, bytes]] = field(default_factory=dict)

    def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: str, body: bytes) -> None:
        if len(self._entries) >= self.max_entries:
            self._entries.clear()  # bounded memory; the hot pages come straight back
        self._entries[key] = (time.monotonic() + self.ttl, body)

    def clear(self, _event: object = None) -> None:
        self._entries.clear()

    def follow(self, bus: EventBus) -> None:
        async def on_change(event: object) -> None:
            self.clear()

        for event_type in (ChallengePosted, ChallengeUpdated, ApplicationSubmitted):
            bus.subscribe(event_type, on_change)


def setup_listing_cache(app: web.Application, bus: EventBus, several_nodes: bool) -> None:
    cache = ListingCache(ttl=MULTI_NODE_TTL if several_nodes else SINGLE_NODE_TTL)
    cache.follow(bus)
    app[LISTING_CACHE] = cache
