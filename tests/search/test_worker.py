"""The durable path: `openchance worker` consumes the event log's `search` group into a
shared (Typesense) index, so changes made on serve nodes reach it even though the worker
indexes nothing in process; an embedded index is not followed there (it is per process)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

import workers
from domain.adapters.memory_log import MemoryLog
from domain.ports import SearchRequest
from domain.services import challenges
from openchance.runtime import runtime
from tests.conftest import Users, challenge_data
from tests.runtime.conftest import isolated_settings


async def test_the_worker_indexes_what_serve_nodes_publish(
        storage: Any, typesense_url: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, key = typesense_url
    monkeypatch.setenv("TYPESENSE_COLLECTION", f"test_{uuid.uuid4().hex[:10]}")
    shared = MemoryLog()
    worker_settings = isolated_settings(None, typesense_url=url, typesense_api_key=key)
    serve_settings = isolated_settings(None)  # its own embedded index: not the shared one
    async with runtime(worker_settings, "worker", storage=storage, log=shared,
                       setup=lambda rt: workers.setup(rt, schedule=False)) as worker:
        assert [c.group for c in worker.consumers] == ["worker", "search"]
        async with runtime(serve_settings, "serve", storage=storage, log=shared) as serve:
            alice = await Users(serve.deps).make("alice")
            posted = await challenges.post_challenge(serve.deps, alice.id, challenge_data(
                title="Durable widget", milestones=None))
            index = worker.deps.search
            assert index is not None and index.name == "typesense"
            for _ in range(100):
                found = await index.search(SearchRequest(text="widgit"))
                if found.hits:
                    break
                await asyncio.sleep(0.1)
            assert [h.id for h in found.hits] == [posted.id]
        await index.clear()


async def test_an_embedded_index_is_not_followed_by_the_worker(storage: Any) -> None:
    async with runtime(isolated_settings(None), "worker", storage=storage,
                       setup=lambda rt: workers.setup(rt, schedule=False)) as worker:
        assert [c.group for c in worker.consumers] == ["worker"]
