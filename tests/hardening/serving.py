"""A real ``openchance serve --demo`` process for the abuse suite, and the probe beside it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ServeProcess:
    url: str
    process: subprocess.Popen[str]
    log_path: Path

    def rss_mib(self) -> float:
        """Resident memory of the server process."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmRSS")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def serve_process(tmp_dir: Path, *, extra_env: dict[str, str] | None = None,
                  profile: str = "default") -> Iterator[ServeProcess]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URL", "REDIS_URL")}
    env.update({"PASSWORD_HASH_PROFILE": profile, **(extra_env or {})})
    log_path = tmp_dir / f"serve-{port}.log"
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "openchance.cli", "serve", "--demo", "--port", str(port)],
            cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT, text=True)
    served = ServeProcess(f"http://127.0.0.1:{port}", process, log_path)
    try:
        _wait_healthy(served)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_healthy(served: ServeProcess, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise AssertionError(f"serve exited early:\n{served.log()}")
        try:
            with urllib.request.urlopen(served.url + "/healthz", timeout=1) as response:
                if response.status == 200 and "Demo data loaded" in served.log():
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"serve did not become healthy:\n{served.log()}")


@dataclass
class Probe:
    process: subprocess.Popen[str]
    samples: list[dict[str, Any]] = field(default_factory=list)

    def window(self, kind: str, start: float, end: float) -> list[dict[str, Any]]:
        return [s for s in list(self.samples) if s["kind"] == kind and start <= s["t"] <= end]

    def figures(self, start: float, end: float) -> dict[str, dict[str, float]]:
        """Per kind: samples, errors, p50, p99 and max in ms, for samples taken in the window."""
        out: dict[str, dict[str, float]] = {}
        for kind in ("healthz", "message"):
            got = self.window(kind, start, end)
            times = sorted(s["ms"] for s in got)
            if not times:
                out[kind] = {"n": 0, "errors": 0, "p50": 0.0, "p99": float("inf"),
                             "max": float("inf")}
                continue
            out[kind] = {"n": len(times), "errors": sum(1 for s in got if "error" in s),
                         "p50": round(times[len(times) // 2], 1),
                         "p99": round(times[min(len(times) - 1, int(len(times) * 0.99))], 1),
                         "max": round(times[-1], 1)}
        return out


@contextmanager
def probe(url: str, alice: str, bob: str, conversation_id: str) -> Iterator[Probe]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.hardening.probe", url, alice, bob, conversation_id],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    running = Probe(process)
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            sample = json.loads(line)
            if sample.get("ready"):
                ready.set()
            else:
                running.samples.append(sample)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not ready.wait(30):
            raise AssertionError("the probe did not start")
        yield running
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        reader.join(timeout=5)
