"""The files of the durable embedded store: a write-ahead journal plus snapshots in a data dir.

Every acknowledged write of the in-memory store is appended to the journal before the write
returns (``domain/adapters/journaled_mongo.py`` records it), as a frame of after-images: "this
document now reads so", "this id is gone". After-images (not the operations) make replay exact
and cheap: no query is run again, no clock or generated id is consulted twice.

Why a journal and not an embedded engine: the store's query engine stays the one the whole suite
runs on (mongomock behind PyMongo's async API), so durable mode cannot answer differently from
the ephemeral one, and the cost is one ``write()`` of a few hundred bytes per acknowledged write.

Layout of a data directory::

    LOCK                       flock'ed by the one process that owns the directory
    snapshot-000007/<db>/<collection>.bson   the state when journal-000007 began
    snapshot-000007/<db>/<collection>.metadata.json   its indexes
    journal-000007.log         frames: <u32 length><u32 crc32><BSON {"ops": [...]}>

The snapshot files are what ``mongodump`` writes (concatenated BSON documents, one file per
collection), so ``mongorestore --dir snapshot-N`` moves an embedded community into a real
MongoDB. Recovery loads the newest complete snapshot, replays its journal and any later one,
and drops a torn frame at the end (a write cut short by a crash or power loss: it was never
acknowledged, or never fsynced).

Durability: a frame is handed to the OS with ``write()`` before the write is acknowledged, so a
killed process (kill -9, OOM) loses nothing. Reaching the disk platter is a separate policy
(``fsync``): ``always`` fsyncs each frame before acknowledging (survives power loss; costs a
disk flush per write), ``interval`` (default) fsyncs at most every second from a background
thread (a power loss may lose the last second, as with Redis' ``appendfsync everysec`` or
MongoDB's journal commit interval), ``never`` leaves it to the OS.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import bson
from bson import json_util

FsyncPolicy = Literal["always", "interval", "never"]
Op = dict[str, Any]
# One collection of a snapshot: database name, collection name, index specs, documents.
CollectionState = tuple[str, str, list[dict[str, Any]], Iterable[Any]]

log = logging.getLogger(__name__)

_HEADER = struct.Struct("<II")
_GENERATION = re.compile(r"^(snapshot|journal)-(\d{6})(\.log)?$")
# Compact when the journal has grown past this and past twice the last snapshot.
DEFAULT_COMPACT_BYTES = 64 * 1024 * 1024


class DataDirInUse(RuntimeError):
    """Another process owns the data directory."""


@dataclass
class Recovery:
    """What opening a data directory found, for the banner and the logs."""

    path: Path
    snapshot_documents: int = 0
    journal_frames: int = 0
    torn_bytes: int = 0
    seconds: float = 0.0
    generations: list[int] = field(default_factory=list)


class DataDir:
    """Owns one data directory: its lock, the current journal, and its snapshots."""

    def __init__(self, path: Path, *, fsync: FsyncPolicy = "interval",
                 fsync_interval: float = 1.0, compact_bytes: int = DEFAULT_COMPACT_BYTES) -> None:
        self.path = path
        self.fsync = fsync
        self.compact_bytes = compact_bytes
        self._lock_fd = _lock(path)
        self._fd = -1
        self._generation = 0
        self._journal_bytes = 0
        self._snapshot_bytes = 0
        self._dirty = False
        self._fd_lock = threading.Lock()
        self._stop = threading.Event()
        self._syncer: threading.Thread | None = None
        if fsync == "interval":
            self._syncer = threading.Thread(target=self._sync_every, args=(fsync_interval,),
                                            name="openchance-journal-fsync", daemon=True)

    # --- recovery ---------------------------------------------------------------------------
    def load(self, apply: Callable[[Op], None]) -> Recovery:
        """Feed every op of the stored state to ``apply`` (snapshot first, then the journals),
        then open the journal for appending."""
        started = time.monotonic()
        recovery = Recovery(self.path)
        for leftover in self.path.glob("*.tmp"):  # a snapshot a crash cut short
            shutil.rmtree(leftover, ignore_errors=True)
        snapshots = self._generations("snapshot")
        base = snapshots[-1] if snapshots else 0
        if snapshots:
            recovery.snapshot_documents = _read_snapshot(self._snapshot_dir(base), apply)
            self._snapshot_bytes = _tree_size(self._snapshot_dir(base))
        journals = [g for g in self._generations("journal") if g >= base]
        for generation in journals:
            frames, torn = _replay(self._journal_file(generation), apply)
            recovery.journal_frames += frames
            recovery.torn_bytes += torn
        self._generation = journals[-1] if journals else base
        recovery.generations = journals or [base]
        self._open_journal()
        if self._syncer is not None:
            self._syncer.start()
        recovery.seconds = time.monotonic() - started
        return recovery

    # --- writing ----------------------------------------------------------------------------
    def append(self, ops: list[Op]) -> None:
        """Write one frame; it is in the OS (and with ``always`` on disk) when this returns."""
        payload = bson.encode({"ops": ops})
        frame = _HEADER.pack(len(payload), zlib.crc32(payload)) + payload
        with self._fd_lock:
            _write_all(self._fd, frame)
            self._journal_bytes += len(frame)
            if self.fsync == "always":
                os.fsync(self._fd)
            else:
                self._dirty = True

    def wants_compaction(self) -> bool:
        return self._journal_bytes > max(self.compact_bytes, 2 * self._snapshot_bytes)

    def compact(self, state: Iterable[CollectionState]) -> float:
        """Write a snapshot of ``state`` (which must not change meanwhile) and start a new
        journal from it; returns the seconds it took. The old generation is removed only once
        the new snapshot is complete on disk, so a crash at any point leaves a loadable dir."""
        started = time.monotonic()
        generation = self._generation + 1
        with self._fd_lock:  # writes from here on belong to the new generation
            old_fd, self._fd = self._fd, -1
            os.fsync(old_fd)
            os.close(old_fd)
            self._generation = generation
            self._open_journal()
        temporary = self.path / f"snapshot-{generation:06d}.tmp"
        _write_snapshot(temporary, state)
        os.replace(temporary, self._snapshot_dir(generation))
        _fsync_dir(self.path)
        self._snapshot_bytes = _tree_size(self._snapshot_dir(generation))
        for old in self._generations("snapshot"):
            if old < generation:
                shutil.rmtree(self._snapshot_dir(old), ignore_errors=True)
        for old in self._generations("journal"):
            if old < generation:
                self._journal_file(old).unlink(missing_ok=True)
        return time.monotonic() - started

    def close(self) -> None:
        self._stop.set()
        if self._syncer is not None and self._syncer.is_alive():
            self._syncer.join(timeout=5)
        with self._fd_lock:
            if self._fd >= 0:
                os.fsync(self._fd)
                os.close(self._fd)
                self._fd = -1
        if self._lock_fd >= 0:
            os.close(self._lock_fd)  # releases the flock
            self._lock_fd = -1

    # --- internals --------------------------------------------------------------------------
    def _sync_every(self, interval: float) -> None:
        while not self._stop.wait(interval):
            with self._fd_lock:
                if self._dirty and self._fd >= 0:
                    self._dirty = False
                    os.fsync(self._fd)

    def _open_journal(self) -> None:
        path = self._journal_file(self._generation)
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._journal_bytes = os.fstat(self._fd).st_size
        _fsync_dir(self.path)

    def _generations(self, kind: str) -> list[int]:
        found = []
        for entry in self.path.iterdir():
            match = _GENERATION.match(entry.name)
            if match and match.group(1) == kind:
                found.append(int(match.group(2)))
        return sorted(found)

    def _snapshot_dir(self, generation: int) -> Path:
        return self.path / f"snapshot-{generation:06d}"

    def _journal_file(self, generation: int) -> Path:
        return self.path / f"journal-{generation:06d}.log"


def _lock(path: Path) -> int:
    path.mkdir(parents=True, exist_ok=True)
    fd = os.open(path / "LOCK", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        owner = os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"
        os.close(fd)
        raise DataDirInUse(f"{path} is in use by another OpenChance process (pid {owner}); "
                           "one process per data directory") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode(), 0)
    return fd


def probe_lock(path: str | Path) -> None:
    """Raise ``DataDirInUse`` when another process owns ``path`` (creating it if need be)."""
    os.close(_lock(Path(path)))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _frames(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(end offset, payload) of each intact frame, stopping at the first torn one."""
    offset = 0
    while offset + _HEADER.size <= len(data):
        length, crc = _HEADER.unpack_from(data, offset)
        start = offset + _HEADER.size
        payload = data[start:start + length]
        if len(payload) != length or zlib.crc32(payload) != crc:
            return
        offset = start + length
        yield offset, payload


def _replay(path: Path, apply: Callable[[Op], None]) -> tuple[int, int]:
    """Apply a journal's intact frames; cut off a torn tail. Returns (frames, torn bytes)."""
    data = path.read_bytes()
    frames, end = 0, 0
    for frame_end, payload in _frames(data):
        for op in bson.decode(payload)["ops"]:
            apply(op)
        frames, end = frames + 1, frame_end
    torn = len(data) - end
    if torn:
        log.warning("%s: dropped %d bytes of a torn last write", path, torn)
        with path.open("r+b") as file:
            file.truncate(end)
            os.fsync(file.fileno())
    return frames, torn


def _read_snapshot(directory: Path, apply: Callable[[Op], None]) -> int:
    documents = 0
    for database in sorted(p for p in directory.iterdir() if p.is_dir()):
        for metadata in sorted(database.glob("*.metadata.json")):
            collection = metadata.name.removesuffix(".metadata.json")
            apply({"op": "create", "db": database.name, "coll": collection})
            dump = database / f"{collection}.bson"
            for doc in bson.decode_all(dump.read_bytes()) if dump.exists() else []:
                apply({"op": "put", "db": database.name, "coll": collection, "doc": doc})
                documents += 1
            # Indexes after the documents: each is then built in one pass.
            for index in json_util.loads(metadata.read_text())["indexes"]:
                apply({"op": "index", "db": database.name, "coll": collection, "index": index})
    return documents


def _write_snapshot(directory: Path, state: Iterable[CollectionState]) -> None:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir()
    for database, collection, indexes, documents in state:
        folder = directory / database
        folder.mkdir(exist_ok=True)
        with (folder / f"{collection}.bson").open("wb") as dump:
            dump.writelines(bson.encode(doc) for doc in documents)
            dump.flush()
            os.fsync(dump.fileno())
        with (folder / f"{collection}.metadata.json").open("w") as metadata:
            metadata.write(json_util.dumps({"indexes": indexes}))
            metadata.flush()
            os.fsync(metadata.fileno())
    for folder in [directory, *directory.iterdir()]:
        _fsync_dir(folder)


def _tree_size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())
