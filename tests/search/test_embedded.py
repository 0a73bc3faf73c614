"""What only the embedded index does: a bounded ranking for words that match very many."""

from __future__ import annotations

import pytest

from domain.adapters import search_sqlite
from domain.adapters.search_sqlite import SqliteSearchIndex
from domain.ports import SearchRequest
from tests.search.conftest import doc


async def test_very_common_words_rank_the_newest_matches_and_count_all(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_sqlite, "RANK_CANDIDATES", 3)
    index = SqliteSearchIndex()
    try:
        await index.upsert([doc(f"c{n}", f"Widget {n}", created_at=1_700_000_000 + n)
                            for n in range(10)])
        result = await index.search(SearchRequest(text="widget", facets=("category",)))
        assert result.found == 10 and result.facets["category"] == {"engineering": 10}
        assert {hit.id for hit in result.hits} == {"c7", "c8", "c9"}
        newest = await index.search(SearchRequest(text="widget", sort="newest", limit=10))
        assert len(newest.hits) == 10  # an explicit sort is not bounded
    finally:
        await index.close()
