"""Search indexing as a consumer group (``search``) of the durable event log.

Every serve node indexes its own changes in process at once (read-your-writes); this consumer
is the durable path: a worker that was down resumes where it stopped, so a shared index
(Typesense) misses no change. An embedded index lives in one process's memory, so only a
shared one is followed here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.services.search import index_event

if TYPE_CHECKING:
    from openchance.runtime import Runtime

GROUP = "search"


def setup_search(rt: Runtime) -> bool:
    """Consume the event log into the search index when the index is shared; says whether."""
    index = rt.deps.search
    if index is None or index.name == "embedded":
        return False
    deps = rt.deps

    async def handle(event: object, key: str) -> None:
        await index_event(deps, event)

    rt.consume_events(GROUP, handle)
    return True
