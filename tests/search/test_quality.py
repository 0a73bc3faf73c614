"""Search quality on both adapters (the embedded SQLite index and a real Typesense 0.24.1):
typos, prefixes, filters, facets, sorts, highlights, suggestions, the high-water mark."""

from __future__ import annotations

import pytest

from domain.ports import SearchFilters, SearchIndex, SearchRequest
from tests.search.conftest import doc

CORPUS = [
    doc("w1", "Build a widget factory", "A Python asyncio service that assembles widgets.",
        tags=("python", "asyncio"), reward=50_000, created_at=1_700_000_100, popularity=3,
        deadline=1_800_000_000),
    doc("w2", "Widget dashboard redesign", "Figma mockups for the widget admin pages.",
        category="design", tags=("figma", "ui"), difficulty="easy", reward=20_000,
        created_at=1_700_000_200, popularity=9, currency="eur"),
    doc("t1", "Translate the user manual", "German to English, 40 pages of technical text.",
        category="translation", tags=("german", "english"), difficulty="hard", reward=30_000,
        created_at=1_700_000_300, deadline=1_750_000_000),
    doc("r1", "Rust firmware for a sensor", "Embedded Rust on an STM32 board, low power.",
        tags=("rust", "embedded"), difficulty="expert", reward=90_000, created_at=1_700_000_400,
        popularity=1),
    doc("g1", "Gadget repair guide", "Write a guide to repairing the gadget's hinge.",
        category="writing", tags=("writing",), reward=5_000, created_at=1_700_000_500),
    doc("u1", "Widget secret project", "Unlisted widget work.", visibility="unlisted",
        created_at=1_700_000_600),
    doc("x1", "Removed widget spam", "Widget spam that a moderator removed.", state="removed",
        created_at=1_700_000_700),
]
PUBLIC_OPEN = SearchFilters()


async def ids(index: SearchIndex, text: str = "", **request: object) -> list[str]:
    result = await index.search(SearchRequest(text=text, **request))  # type: ignore[arg-type]
    return [hit.id for hit in result.hits]


@pytest.fixture
async def corpus(index: SearchIndex) -> SearchIndex:
    await index.upsert(CORPUS)
    return index


async def test_typos_find_the_word(corpus: SearchIndex) -> None:
    assert set(await ids(corpus, "widgit")) == {"w1", "w2"}
    assert await ids(corpus, "transalte manual") == ["t1"]
    assert await ids(corpus, "firmwre") == ["r1"]


async def test_prefix_of_the_last_word(corpus: SearchIndex) -> None:
    assert set(await ids(corpus, "wid")) == {"w1", "w2"}
    assert await ids(corpus, "translate the man") == ["t1"]
    assert await ids(corpus, "dashb") == ["w2"]


async def test_title_matches_rank_above_description_matches(corpus: SearchIndex) -> None:
    await corpus.upsert([doc("d1", "Hinge design", "Not about a widget at all, but mentions it.",
                             created_at=1_700_000_900)])
    found = await ids(corpus, "widget")
    assert found.index("d1") > max(found.index("w1"), found.index("w2"))


async def test_filters(corpus: SearchIndex) -> None:
    assert await ids(corpus, "widget", filters=SearchFilters(category="design")) == ["w2"]
    assert await ids(corpus, filters=SearchFilters(difficulty="expert")) == ["r1"]
    assert await ids(corpus, filters=SearchFilters(tags=("python", "asyncio"))) == ["w1"]
    assert await ids(corpus, filters=SearchFilters(tags=("python", "figma"))) == []
    assert await ids(corpus, filters=SearchFilters(currency="eur")) == ["w2"]
    in_range = await ids(corpus, filters=SearchFilters(min_reward=20_000, max_reward=50_000),
                         sort="reward")
    assert in_range == ["w1", "t1", "w2"]
    assert await ids(corpus, filters=SearchFilters(deadline_before=1_760_000_000)) == ["t1"]
    assert await ids(corpus, filters=SearchFilters(deadline_after=1_760_000_000)) == ["w1"]


async def test_visibility_filters_keep_unlisted_and_removed_out(corpus: SearchIndex) -> None:
    public = await ids(corpus, "widget")
    assert "u1" not in public and "x1" not in public
    anything = await ids(corpus, "widget", filters=SearchFilters(
        states=("open", "removed"), visibilities=None))
    assert {"u1", "x1"} <= set(anything)
    suggested = {s.challenge_id for s in await corpus.suggest("widg", PUBLIC_OPEN, 10)}
    assert suggested == {"w1", "w2"}


async def test_facets_count_the_matches(corpus: SearchIndex) -> None:
    result = await corpus.search(SearchRequest(text="widget", facets=("category", "tags",
                                                                       "difficulty")))
    assert result.found == 2
    assert result.facets["category"] == {"engineering": 1, "design": 1}
    assert result.facets["tags"] == {"python": 1, "asyncio": 1, "figma": 1, "ui": 1}
    assert result.facets["difficulty"] == {"medium": 1, "easy": 1}
    everything = await corpus.search(SearchRequest(facets=("category",)))
    assert everything.facets["category"] == {"engineering": 2, "design": 1, "translation": 1,
                                             "writing": 1}


async def test_sorts(corpus: SearchIndex) -> None:
    assert await ids(corpus, sort="newest") == ["g1", "r1", "t1", "w2", "w1"]
    assert await ids(corpus, sort="reward") == ["r1", "w1", "t1", "w2", "g1"]
    assert (await ids(corpus, sort="deadline"))[:2] == ["t1", "w1"]  # undated ones after
    assert (await ids(corpus, sort="popular"))[:3] == ["w2", "w1", "r1"]
    assert await ids(corpus, "widget", sort="reward") == ["w1", "w2"]


async def test_paging_by_offset(corpus: SearchIndex) -> None:
    first = await ids(corpus, sort="newest", limit=2)
    second = await ids(corpus, sort="newest", limit=2, offset=2)
    third = await ids(corpus, sort="newest", limit=2, offset=4)
    assert first + second + third == ["g1", "r1", "t1", "w2", "w1"]


async def test_highlights_mark_the_matched_words(corpus: SearchIndex) -> None:
    result = await corpus.search(SearchRequest(text="manual"))
    assert "<mark>" in result.hits[0].highlights["title"]
    assert result.hits[0].highlights["title"].replace("<mark>", "").replace("</mark>", "") \
        == "Translate the user manual"


async def test_suggest_is_a_typo_tolerant_prefix_match_on_titles(corpus: SearchIndex) -> None:
    assert [s.text for s in await corpus.suggest("rust firm", PUBLIC_OPEN, 5)] == [
        "Rust firmware for a sensor"]
    assert [s.challenge_id for s in await corpus.suggest("transl", PUBLIC_OPEN, 5)] == ["t1"]
    assert "w1" in {s.challenge_id for s in await corpus.suggest("wigdet fac", PUBLIC_OPEN, 5)}
    assert await corpus.suggest("", PUBLIC_OPEN, 5) == []


async def test_upsert_replaces_and_delete_removes(corpus: SearchIndex) -> None:
    await corpus.upsert([doc("w1", "Build a gizmo factory", "No longer about those.",
                             created_at=1_700_000_100, updated_at=1_700_009_999)])
    assert await ids(corpus, "gizmo") == ["w1"]
    assert await ids(corpus, "widget") == ["w2"]
    assert await corpus.high_water_mark() == 1_700_009_999
    await corpus.delete(["w1", "w2"])
    assert await ids(corpus, "widget") == []
    assert await corpus.count() == len(CORPUS) - 2


async def test_an_empty_index(index: SearchIndex) -> None:
    assert await index.high_water_mark() is None
    assert await ids(index, "anything") == []
    assert await index.suggest("any", PUBLIC_OPEN, 5) == []
