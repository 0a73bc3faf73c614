"""The embedded search index: SQLite FTS5 (standard library) plus rapidfuzz for typos.

Why this shape:
- FTS5 with the ``unicode61`` word tokenizer and prefix indexes (1-3 characters) answers word
  and prefix queries from an inverted index, ranks with BM25 (title weighted above tags above
  description) and marks matches with ``highlight()``. A trigram tokenizer would also find
  substrings, but triples the index and still finds nothing for "widgit" (one trigram of
  three in common with "widget" is too weak a signal to rank on).
- Typos: every word of a query that the index has never seen is replaced by the vocabulary
  words within 1 edit (words of 4-5 letters) or 2 edits (longer), found by rapidfuzz over the
  index's own term list (kept in memory, grown as documents arrive), the rule Typesense uses.
- Filters, sorts and facets are plain SQL over a table of the documents' fields with B-tree
  indexes; tags have their own (tag, row) table so "has every one of these tags" is indexed.

All SQLite work runs on one thread of its own (one connection, no locking questions) so the
event loop never waits on it.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from domain.ports import (
    SearchDocument,
    SearchFilters,
    SearchHit,
    SearchRequest,
    SearchResult,
    Suggestion,
)

T = TypeVar("T")
_WORD = re.compile(r"[^\W_]+")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, title TEXT, category TEXT,
    difficulty TEXT, reward INTEGER, currency TEXT, state TEXT, visibility TEXT,
    community_id TEXT, owner_id TEXT, deadline INTEGER, created_at INTEGER,
    updated_at INTEGER, popularity INTEGER);
CREATE INDEX IF NOT EXISTS docs_listing ON docs(state, visibility, created_at);
CREATE INDEX IF NOT EXISTS docs_updated ON docs(updated_at);
CREATE INDEX IF NOT EXISTS docs_reward ON docs(state, reward);
CREATE INDEX IF NOT EXISTS docs_deadline ON docs(state, deadline);
CREATE TABLE IF NOT EXISTS doc_tags (tag TEXT, rid INTEGER, PRIMARY KEY (tag, rid))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS doc_tags_rid ON doc_tags(rid);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, description, tags, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
CREATE VIRTUAL TABLE IF NOT EXISTS vocab USING fts5vocab(fts, 'row');
"""
_ORDER = {
    "newest": "d.created_at DESC, d.id DESC",
    "reward": "d.reward DESC, d.id DESC",
    "deadline": "COALESCE(d.deadline, 9223372036854775807) ASC, d.id ASC",
    "popular": "d.popularity DESC, d.id DESC",
}
# BM25 weights of the fts columns title, description, tags.
_RANK = "bm25(fts, 10.0, 1.0, 4.0)"
RANK_CANDIDATES = 5000
_FACET_COLUMNS = {"category", "difficulty", "currency", "state", "community_id"}


def words(text: str) -> list[str]:
    """The words FTS5's unicode61 tokenizer (remove_diacritics 2) would see, lower-cased."""
    text = text.lower()
    if not text.isascii():
        folded = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _WORD.findall(text)


def max_typos(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 6 else 2


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class SqliteSearchIndex:
    """``path`` ":memory:" (the default: rebuilt by catch-up at start) or a file."""

    name = "embedded"

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-sqlite")
        self._db: sqlite3.Connection | None = None
        self._vocab: list[str] = []
        self._vocab_set: set[str] = set()

    # ---- plumbing ---------------------------------------------------------------------------

    async def _run(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._with_db, fn)

    def _with_db(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        if self._db is None:
            self._db = sqlite3.connect(self.path, isolation_level=None)
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(_SCHEMA)
            self._learn(row[0] for row in self._db.execute("SELECT term FROM vocab"))
        return fn(self._db)

    def _learn(self, terms: Any) -> None:
        for term in terms:
            if term not in self._vocab_set:
                self._vocab_set.add(term)
                self._vocab.append(term)

    async def close(self) -> None:
        def shut(db: sqlite3.Connection) -> None:
            db.close()
            self._db = None

        if self._db is not None:
            await self._run(shut)
        self._pool.shutdown(wait=True)

    # ---- writes -----------------------------------------------------------------------------

    async def upsert(self, documents: list[SearchDocument]) -> None:
        if documents:
            await self._run(lambda db: self._upsert(db, documents))

    def _upsert(self, db: sqlite3.Connection, documents: list[SearchDocument]) -> None:
        db.execute("BEGIN")
        try:
            for doc in documents:
                self._delete_one(db, doc.id)
                cur = db.execute(
                    "INSERT INTO docs (id, title, category, difficulty, reward, currency, state,"
                    " visibility, community_id, owner_id, deadline, created_at, updated_at,"
                    " popularity) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (doc.id, doc.title, doc.category, doc.difficulty, doc.reward, doc.currency,
                     doc.state, doc.visibility, doc.community_id, doc.owner_id, doc.deadline,
                     doc.created_at, doc.updated_at, doc.popularity))
                rid = cur.lastrowid
                tags = " ".join(doc.tags)
                db.execute("INSERT INTO fts (rowid, title, description, tags) VALUES (?,?,?,?)",
                           (rid, doc.title, doc.description, tags))
                db.executemany("INSERT OR IGNORE INTO doc_tags (tag, rid) VALUES (?, ?)",
                               [(tag, rid) for tag in doc.tags])
                self._learn(words(f"{doc.title} {doc.description} {tags}"))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @staticmethod
    def _delete_one(db: sqlite3.Connection, doc_id: str) -> None:
        row = db.execute("SELECT rid FROM docs WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return
        db.execute("DELETE FROM fts WHERE rowid = ?", row)
        db.execute("DELETE FROM doc_tags WHERE rid = ?", row)
        db.execute("DELETE FROM docs WHERE rid = ?", row)

    async def delete(self, ids: list[str]) -> None:
        def run(db: sqlite3.Connection) -> None:
            for doc_id in ids:
                self._delete_one(db, doc_id)

        await self._run(run)

    async def clear(self) -> None:
        def run(db: sqlite3.Connection) -> None:
            db.executescript("DELETE FROM fts; DELETE FROM doc_tags; DELETE FROM docs;")
            self._vocab, self._vocab_set = [], set()

        await self._run(run)

    async def count(self) -> int:
        return await self._run(lambda db: int(db.execute("SELECT count(*) FROM docs")
                                               .fetchone()[0]))

    async def high_water_mark(self) -> int | None:
        def run(db: sqlite3.Connection) -> int | None:
            value = db.execute("SELECT max(updated_at) FROM docs").fetchone()[0]
            return None if value is None else int(value)

        return await self._run(run)

    # ---- queries ----------------------------------------------------------------------------

    def _alternatives(self, word: str) -> list[str]:
        """The word itself if the index knows it, else the known words a typo away."""
        if word in self._vocab_set or max_typos(word) == 0:
            return [word]
        found = process.extract(word, self._vocab, scorer=Levenshtein.distance,
                                score_cutoff=max_typos(word), limit=5)
        return [word] + [term for term, _, _ in found]

    def _match(self, text: str, *, prefix_last: bool, column: str | None = None,
               typos: bool = True) -> str | None:
        terms = words(text)[:12]
        if not terms:
            return None
        groups = []
        for position, word in enumerate(terms):
            alternatives = self._alternatives(word) if typos else [word]
            options = [_quote(alt) for alt in alternatives]
            if prefix_last and position == len(terms) - 1:
                options.append(_quote(word) + "*")
            groups.append("(" + " OR ".join(dict.fromkeys(options)) + ")")
        expression = " AND ".join(groups)
        return f"{{{column}}} : ({expression})" if column else expression

    @staticmethod
    def _where(filters: SearchFilters) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []

        def one_of(column: str, values: tuple[str, ...]) -> None:
            clauses.append(f"d.{column} IN ({','.join('?' * len(values))})")
            args.extend(values)

        one_of("state", filters.states)
        if filters.visibilities is not None:
            one_of("visibility", filters.visibilities)
        for column in ("owner_id", "category", "difficulty", "currency", "community_id"):
            value = getattr(filters, column)
            if value is not None:
                clauses.append(f"d.{column} = ?")
                args.append(value)
        for tag in filters.tags:
            clauses.append("d.rid IN (SELECT rid FROM doc_tags WHERE tag = ?)")
            args.append(tag)
        for column, op, value in (("reward", ">=", filters.min_reward),
                                  ("reward", "<=", filters.max_reward),
                                  ("deadline", "<=", filters.deadline_before),
                                  ("deadline", ">=", filters.deadline_after)):
            if value is not None:
                clauses.append(f"d.{column} {op} ?")
                args.append(value)
        return clauses, args

    async def search(self, request: SearchRequest) -> SearchResult:
        return await self._run(lambda db: self._search(db, request))

    def _search(self, db: sqlite3.Connection, request: SearchRequest) -> SearchResult:
        clauses, args = self._where(request.filters)
        match = self._match(request.text, prefix_last=True)
        if match is None:
            source, order = "docs d", _ORDER.get(request.sort, _ORDER["newest"])
            columns = "d.id, NULL, NULL"
        else:
            # CROSS JOIN keeps the full-text match as the outer loop: otherwise SQLite may
            # walk the docs' index and run the MATCH once per row.
            source = "fts CROSS JOIN docs d ON d.rid = fts.rowid"
            clauses.insert(0, "fts MATCH ?")
            args.insert(0, match)
            order = _ORDER.get(request.sort, f"{_RANK}, d.created_at DESC")
            columns = ("d.id, highlight(fts, 0, '<mark>', '</mark>'),"
                       " snippet(fts, 1, '<mark>', '</mark>', '…', 16)")
        where = " AND ".join(clauses)
        rank_where, rank_args = where, args
        if match is not None and request.sort not in _ORDER:
            # BM25 is computed for every row it orders: a word in half the listings would
            # rank tens of thousands. Past RANK_CANDIDATES matches, only the most recently
            # changed RANK_CANDIDATES are ranked (FTS5 reads rowids newest first, cheaply);
            # the count and the facets still cover every match.
            cutoff = db.execute("SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC"
                                " LIMIT 1 OFFSET ?", (match, RANK_CANDIDATES - 1)).fetchone()
            if cutoff is not None:
                rank_where, rank_args = f"{where} AND fts.rowid >= ?", [*args, cutoff[0]]
        rows = db.execute(f"SELECT {columns} FROM {source} WHERE {rank_where} ORDER BY {order}"
                          " LIMIT ? OFFSET ?", [*rank_args, request.limit, request.offset]
                          ).fetchall()
        hits = [SearchHit(id=row[0], highlights=self._marks(row[1], row[2])) for row in rows]
        facets: dict[str, dict[str, int]] = {}
        if request.facets:
            # The matches are found once into a scratch table; the count and every facet
            # read it instead of running the full-text match again.
            db.execute("CREATE TEMP TABLE IF NOT EXISTS matched (rid INTEGER PRIMARY KEY)")
            db.execute("DELETE FROM temp.matched")
            found = db.execute(f"INSERT INTO temp.matched SELECT d.rid FROM {source}"
                               f" WHERE {where}", args).rowcount
            facets = {name: self._facet(db, name) for name in request.facets}
        elif len(rows) < request.limit and (rows or not request.offset):
            found = request.offset + len(rows)
        else:
            found = int(db.execute(f"SELECT count(*) FROM {source} WHERE {where}", args)
                        .fetchone()[0])
        return SearchResult(hits=hits, found=found, facets=facets)

    @staticmethod
    def _marks(title: str | None, description: str | None) -> dict[str, str]:
        return {field: text for field, text in (("title", title), ("description", description))
                if text and "<mark>" in text}

    @staticmethod
    def _facet(db: sqlite3.Connection, name: str) -> dict[str, int]:
        if name == "tags":
            sql = ("SELECT t.tag, count(*) FROM temp.matched m CROSS JOIN doc_tags t"
                   " ON t.rid = m.rid"
                   " GROUP BY t.tag ORDER BY 2 DESC, 1 LIMIT 20")
        elif name in _FACET_COLUMNS:
            sql = (f"SELECT d.{name}, count(*) FROM temp.matched m CROSS JOIN docs d"
                   f" ON d.rid = m.rid"
                   f" WHERE d.{name} IS NOT NULL GROUP BY d.{name} ORDER BY 2 DESC, 1 LIMIT 20")
        else:
            raise ValueError(f"no facet {name!r}")
        return {str(value): int(n) for value, n in db.execute(sql)}

    async def suggest(self, prefix: str, filters: SearchFilters,
                      limit: int) -> list[Suggestion]:
        return await self._run(lambda db: self._suggest(db, prefix, filters, limit))

    def _suggest(self, db: sqlite3.Connection, prefix: str, filters: SearchFilters,
                 limit: int) -> list[Suggestion]:
        """Titles whose words start as typed, most recently changed first (FTS5 walks its
        rows in that order and stops at ``limit``, so this stays fast on any index size);
        words with typos are corrected only when the exact prefix finds too few."""
        clauses, args = self._where(filters)
        found: dict[str, str] = {}
        for typos in (False, True):
            match = self._match(prefix, prefix_last=True, column="title", typos=typos)
            if match is None:
                return []
            rows = db.execute(
                "SELECT d.id, d.title FROM fts CROSS JOIN docs d ON d.rid = fts.rowid"
                f" WHERE fts MATCH ? AND {' AND '.join(clauses)} ORDER BY fts.rowid DESC"
                " LIMIT ?", [match, *args, limit]).fetchall()
            for doc_id, title in rows:
                found.setdefault(doc_id, title)
            if len(found) >= limit:
                break
        return [Suggestion(text=title, challenge_id=doc_id)
                for doc_id, title in list(found.items())[:limit]]
