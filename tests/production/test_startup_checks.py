"""A wrong MONGODB_URL, REDIS_URL or OPENCHANCE_DATA_DIR stops a process at once with one line
that names the variable, and exit code 2 (it used to hang 35-46 s, then print a traceback)."""

from __future__ import annotations

import asyncio
import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.adapters.journaled_mongo import JournaledMongoClient
from domain.adapters.service_probes import StartupProblem, check_mongodb_url, check_redis_url
from tests.production.platform import ROOT, process_env
from tests.redis_server import free_port


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers (a hung or firewalled server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


def test_a_silent_mongodb_or_redis_fails_within_the_timeout(silent_server: int) -> None:
    for check, url, variable in [
            (check_mongodb_url, f"mongodb://127.0.0.1:{silent_server}", "MONGODB_URL"),
            (check_redis_url, f"redis://127.0.0.1:{silent_server}/0", "REDIS_URL")]:
        started = time.monotonic()
        with pytest.raises(StartupProblem) as problem:
            check(url, timeout=1.0)
        assert time.monotonic() - started < 3
        assert str(problem.value).startswith(variable) and "\n" not in str(problem.value)


async def openchance(limit: asyncio.Semaphore, *args: str, **env: str
                     ) -> tuple[int, str, float]:
    async with limit:  # two cores: a few at a time
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "openchance.cli", *args, cwd=ROOT, env=process_env(**env),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        _, stderr = await asyncio.wait_for(process.communicate(), 120)
        assert process.returncode is not None
        return process.returncode, stderr.decode(), time.monotonic() - started


async def test_each_process_names_the_variable_and_exits_2(tmp_path: Path,
                                                           redis_url: str) -> None:
    closed = free_port()
    held = JournaledMongoClient.open(tmp_path / "busy")
    try:
        cases = [
            (("serve",), {"MONGODB_URL": f"mongodb://127.0.0.1:{closed}"}, "MONGODB_URL: "),
            (("worker",), {"MONGODB_URL": "notaurl"}, "MONGODB_URL is not"),
            (("seed", "--demo"), {"MONGODB_URL": f"mongodb://127.0.0.1:{closed}/x"},
             "MONGODB_URL: "),
            (("bot", "telegram"), {"REDIS_URL": f"redis://127.0.0.1:{closed}/0",
                                   "TELEGRAM_BOT_TOKEN": "1:x"}, "REDIS_URL: "),
            (("serve",), {"REDIS_URL": "notaurl"}, "REDIS_URL is not"),
            (("serve",), {"REDIS_URL": redis_url}, "REDIS_URL is set but MONGODB_URL is not"),
            (("serve",), {"OPENCHANCE_DATA_DIR": str(tmp_path / "busy")},
             "OPENCHANCE_DATA_DIR: "),
        ]
        limit = asyncio.Semaphore(3)
        results = await asyncio.gather(*(openchance(limit, *args, **env)
                                         for args, env, _ in cases))
    finally:
        held.data_dir.close()
    for (args, _, expected), (code, stderr, seconds) in zip(cases, results, strict=True):
        lines = stderr.strip().splitlines()
        assert code == 2 and len(lines) == 1, (args, code, stderr[-2000:])
        assert lines[0].startswith(f"openchance: {expected}"), (args, lines)
        # The check itself is bounded by its 2 s timeout (the test above); the rest is Python
        # starting up, which took 2-3 s on an idle machine and over 30 s on a loaded one.
        assert seconds < 90, (args, seconds)
    print("\nseconds to the one-line error:", [round(r[2], 1) for r in results])
