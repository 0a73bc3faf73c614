"""The production search index: a Typesense collection, through the official async client.

Typo tolerance (2 typos on longer words), prefix search on the last word, facets, numeric
filters and sorts are Typesense's own; this module only maps the port's requests onto its
parameters. Tested against the real 0.24.1 server (tests/search).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

import typesense
from typesense.exceptions import ObjectAlreadyExists, ObjectNotFound

from domain.ports import (
    SearchDocument,
    SearchFilters,
    SearchHit,
    SearchRequest,
    SearchResult,
    Suggestion,
)

# Challenges without a deadline sort after every dated one (Typesense cannot sort on a
# missing value in 0.24), and ``has_deadline`` keeps them out of "deadline after" filters.
NO_DEADLINE = 2**53
_FACET_FIELDS = {"category", "tags", "difficulty", "currency", "state", "community_id"}
_SORTS = {
    "relevance": "_text_match:desc,created_at:desc",
    "newest": "created_at:desc",
    "reward": "reward:desc,created_at:desc",
    "deadline": "deadline_key:asc,created_at:desc",
    "popular": "popularity:desc,created_at:desc",
}
_QUERY_BY = "title,tags,description"


def collection_schema(name: str) -> dict[str, Any]:
    def facet(field: str, kind: str = "string", **extra: Any) -> dict[str, Any]:
        return {"name": field, "type": kind, "facet": True, **extra}

    return {
        "name": name,
        "default_sorting_field": "created_at",
        "token_separators": ["-", "_", "."],
        "fields": [
            {"name": "title", "type": "string"},
            {"name": "description", "type": "string"},
            facet("category"), facet("tags", "string[]"), facet("difficulty"),
            facet("currency"), facet("state"), facet("visibility"),
            facet("community_id", optional=True),
            {"name": "owner_id", "type": "string"},
            {"name": "reward", "type": "int64"},
            {"name": "deadline_key", "type": "int64"},
            {"name": "has_deadline", "type": "bool"},
            {"name": "created_at", "type": "int64"},
            {"name": "updated_at", "type": "int64"},
            {"name": "popularity", "type": "int32"},
        ],
    }


def _literal(value: str) -> str:
    return "`" + value.replace("`", "") + "`"


def _any_of(field: str, values: tuple[str, ...]) -> str:
    return f"{field}:=[{','.join(_literal(v) for v in values)}]"


def filter_by(filters: SearchFilters) -> str:
    parts = [_any_of("state", filters.states)]
    if filters.visibilities is not None:
        parts.append(_any_of("visibility", filters.visibilities))
    for field in ("owner_id", "category", "difficulty", "currency", "community_id"):
        value = getattr(filters, field)
        if value is not None:
            parts.append(_any_of(field, (value,)))
    parts.extend(_any_of("tags", (tag,)) for tag in filters.tags)
    if filters.min_reward is not None:
        parts.append(f"reward:>={filters.min_reward}")
    if filters.max_reward is not None:
        parts.append(f"reward:<={filters.max_reward}")
    if filters.deadline_before is not None:
        parts.append(f"deadline_key:<={filters.deadline_before}")
    if filters.deadline_after is not None:
        parts.append(f"deadline_key:>={filters.deadline_after} && has_deadline:=true")
    return " && ".join(parts)


def as_record(doc: SearchDocument) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": doc.id, "title": doc.title, "description": doc.description,
        "category": doc.category, "tags": list(doc.tags), "difficulty": doc.difficulty,
        "currency": doc.currency, "state": doc.state, "visibility": doc.visibility,
        "owner_id": doc.owner_id, "reward": doc.reward,
        "deadline_key": NO_DEADLINE if doc.deadline is None else doc.deadline,
        "has_deadline": doc.deadline is not None, "created_at": doc.created_at,
        "updated_at": doc.updated_at, "popularity": doc.popularity,
    }
    if doc.community_id is not None:
        record["community_id"] = doc.community_id
    return record


class TypesenseSearchIndex:
    name = "typesense"

    def __init__(self, url: str, api_key: str, collection: str = "challenges",
                 timeout: float = 5.0) -> None:
        parts = urlsplit(url)
        protocol = parts.scheme or "http"
        node: Any = {"host": parts.hostname or "127.0.0.1",
                "port": parts.port or (443 if protocol == "https" else 8108),
                "protocol": protocol}
        self.client = typesense.AsyncClient({
            "api_key": api_key, "nodes": [node], "connection_timeout_seconds": timeout,
            "num_retries": 2, "retry_interval_seconds": 0.1})
        self.collection = collection
        self._ready = False
        self._ready_lock = asyncio.Lock()

    async def _documents(self) -> Any:
        if not self._ready:
            async with self._ready_lock:
                if not self._ready:
                    try:
                        schema: Any = collection_schema(self.collection)
                        await self.client.collections.create(schema)
                    except ObjectAlreadyExists:
                        pass
                    self._ready = True
        return self.client.collections[self.collection].documents

    async def upsert(self, documents: list[SearchDocument]) -> None:
        if not documents:
            return
        results = await (await self._documents()).import_(
            [as_record(d) for d in documents], {"action": "upsert"})
        failed = [r for r in results if not r.get("success")]
        if failed:
            raise RuntimeError(f"Typesense refused {len(failed)} documents: {failed[0]}")

    async def delete(self, ids: list[str]) -> None:
        if ids:
            await (await self._documents()).delete(
                {"filter_by": f"id:[{','.join(_literal(i) for i in ids)}]"})

    async def clear(self) -> None:
        try:
            await self.client.collections[self.collection].delete()
        except ObjectNotFound:
            pass
        self._ready = False

    async def count(self) -> int:
        await self._documents()
        info = await self.client.collections[self.collection].retrieve()
        return int(info["num_documents"])

    async def high_water_mark(self) -> int | None:
        response = await (await self._documents()).search({
            "q": "*", "sort_by": "updated_at:desc", "per_page": 1,
            "include_fields": "updated_at"})
        hits = response.get("hits") or []
        return int(hits[0]["document"]["updated_at"]) if hits else None

    async def search(self, request: SearchRequest) -> SearchResult:
        text = request.text.strip()
        params: dict[str, Any] = {
            "q": text or "*", "query_by": _QUERY_BY, "query_by_weights": "4,2,1",
            "prefix": "true,true,false", "num_typos": 2, "filter_by": filter_by(request.filters),
            "sort_by": _SORTS.get(request.sort if text or request.sort != "relevance"
                                  else "newest", _SORTS["relevance"]),
            "per_page": request.limit, "page": 1, "include_fields": "id",
            "highlight_fields": "title,description", "highlight_start_tag": "<mark>",
            "highlight_end_tag": "</mark>",
        }
        # Typesense pages by number; an offset that is not a multiple of the limit is read
        # from the page holding it and trimmed.
        page, skip = divmod(request.offset, request.limit)
        if skip:
            params["per_page"] = min(250, request.limit + skip)
            page, skip = divmod(request.offset, params["per_page"])
        params["page"] = page + 1
        if request.facets:
            unknown = set(request.facets) - _FACET_FIELDS
            if unknown:
                raise ValueError(f"no facet {sorted(unknown)[0]!r}")
            params["facet_by"] = ",".join(request.facets)
            params["max_facet_values"] = 20
        response = await (await self._documents()).search(params)
        hits = [SearchHit(id=hit["document"]["id"], highlights={
            h["field"]: h["snippet"] for h in hit.get("highlights", []) if "snippet" in h})
            for hit in response.get("hits", [])][skip: skip + request.limit]
        facets = {f["field_name"]: {c["value"]: int(c["count"]) for c in f["counts"]}
                  for f in response.get("facet_counts", [])}
        return SearchResult(hits=hits, found=int(response.get("found", 0)), facets=facets)

    async def suggest(self, prefix: str, filters: SearchFilters,
                      limit: int) -> list[Suggestion]:
        if not prefix.strip():
            return []
        response = await (await self._documents()).search({
            "q": prefix, "query_by": "title", "prefix": "true", "num_typos": 2,
            "filter_by": filter_by(filters), "per_page": limit,
            "sort_by": "_text_match:desc,popularity:desc", "include_fields": "id,title",
            "highlight_fields": "none"})
        return [Suggestion(text=hit["document"]["title"], challenge_id=hit["document"]["id"])
                for hit in response.get("hits", [])]

    async def close(self) -> None:
        await self.client.api_call.aclose()
