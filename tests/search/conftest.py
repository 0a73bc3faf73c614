"""Search fixtures: one index per test on each adapter (the Typesense server starts once per
session), and a corpus of challenges written straight into an index."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from domain.adapters.search_sqlite import SqliteSearchIndex
from domain.adapters.search_typesense import TypesenseSearchIndex
from domain.ports import SearchDocument, SearchIndex
from tests.api.conftest import client, members  # noqa: F401 (the HTTP tests' fixtures)
from tests.search.typesense_server import API_KEY, PrivateTypesense, skip_reason


@pytest.fixture(scope="session")
def typesense_url() -> Iterator[tuple[str, str]]:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    if os.environ.get("TYPESENSE_URL"):
        yield os.environ["TYPESENSE_URL"], os.environ.get("TYPESENSE_API_KEY", "")
        return
    server = PrivateTypesense()
    try:
        yield server.url, API_KEY
    finally:
        server.stop()


@pytest.fixture(params=["embedded", "typesense"])
async def index(request: pytest.FixtureRequest) -> AsyncIterator[SearchIndex]:
    made: SearchIndex
    if request.param == "embedded":
        made = SqliteSearchIndex()
    else:
        url, key = request.getfixturevalue("typesense_url")
        made = TypesenseSearchIndex(url, key, collection=f"test_{uuid.uuid4().hex[:10]}")
    yield made
    await made.clear()
    await made.close()


def doc(doc_id: str, title: str, description: str = "", **fields: Any) -> SearchDocument:
    base: dict[str, Any] = dict(
        id=doc_id, title=title, description=description, category="engineering", tags=(),
        difficulty="medium", reward=10_000, currency="usd", state="open", visibility="public",
        community_id=None, owner_id="owner", deadline=None, created_at=1_700_000_000,
        updated_at=1_700_000_000, popularity=0)
    base.update(fields)
    base["tags"] = tuple(base["tags"])
    return SearchDocument(**base)
