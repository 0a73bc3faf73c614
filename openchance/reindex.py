"""``openchance reindex``: rebuild the search index (or catch up) from the store, with a
progress bar; ``--vectors`` also refreshes the matching vectors of open challenges."""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from typing import Any, TextIO

from domain.deps import Deps
from domain.services import matching, search


class ProgressBar:
    """``[#######.......] 3,500/10,000  35%  2,950/s`` redrawn in place on a terminal; on a
    pipe or a log, one line per tenth so the log stays readable."""

    width = 30

    def __init__(self, label: str, out: TextIO) -> None:
        self.label, self.out = label, out
        self.started = time.monotonic()
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self._last_tenth = -1

    def line(self, done: int, total: int) -> str:
        share = done / total if total else 1.0
        filled = int(share * self.width)
        rate = done / max(time.monotonic() - self.started, 1e-9)
        return (f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                f"{done:,}/{total:,} {share:4.0%} {rate:,.0f}/s")

    def __call__(self, done: int, total: int) -> None:
        if self.tty:
            self.out.write("\r" + self.line(done, total))
        else:
            tenth = int(10 * done / total) if total else 10
            if tenth == self._last_tenth:
                return
            self._last_tenth = tenth
            self.out.write(self.line(done, total) + "\n")
        self.out.flush()

    def finish(self) -> None:
        if self.tty:
            self.out.write("\n")


async def reindex_with(deps: Deps, *, changed_only: bool = False, vectors: bool = False,
                       out: TextIO = sys.stderr) -> int:
    bar = ProgressBar("catching up" if changed_only else "indexing", out)
    count = await (search.catch_up if changed_only else search.reindex)(deps, bar)
    bar.finish()
    index = search.index_of(deps)
    out.write(f"{count:,} challenges indexed; the {index.name} index holds "
              f"{await index.count():,}.\n")
    if vectors:
        bar = ProgressBar("vectors", out)
        embedded = await matching.refresh_challenge_vectors(deps, bar)
        bar.finish()
        out.write(f"{embedded:,} open challenges have current vectors.\n")
    return count


async def _run(args: argparse.Namespace) -> int:
    from domain.storage import close_storage, open_storage
    from openchance.bootstrap import build_deps
    from openchance.settings import Settings

    settings = Settings()
    if not settings.mongodb_url:
        print("reindex reads the MongoDB that MONGODB_URL names; it is unset. The embedded "
              "store lives inside `openchance serve`, which indexes it at start.",
              file=sys.stderr)
        return 2
    client = await open_storage(settings.mongodb_url, settings.mongodb_database)
    deps = build_deps(settings)
    try:
        await reindex_with(deps, changed_only=args.changed, vectors=args.vectors)
    finally:
        if deps.search is not None:
            await deps.search.close()
        await close_storage(client)
    return 0


def add_reindex_command(commands: Any) -> None:
    command = commands.add_parser("reindex", help="rebuild the search index from the store")
    command.add_argument("--changed", action="store_true",
                         help="only what changed since the index's high-water mark")
    command.add_argument("--vectors", action="store_true",
                         help="also refresh the matching vectors of open challenges")
    command.set_defaults(run=lambda args: asyncio.run(_run(args)))
