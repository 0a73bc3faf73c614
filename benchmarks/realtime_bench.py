"""Realtime benchmark: our Socket.IO server against a plain python-socketio server.

Each server runs pinned to core 0 (``taskset``), restarted for every scenario; the load runs in
a separate process pinned to core 1 (see realtime_load.py). Prints one JSON line per run and a
summary. Figures are not asserted. Other processes on the machine share both cores, so also
compare ``deliveries_per_server_cpu_s`` (server CPU time measured over the phase), which
contention distorts less than wall-clock rates.

    .venv/bin/python benchmarks/realtime_bench.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(kind: str, users: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    server = subprocess.Popen(
        ["taskset", "-c", "0", PYTHON, str(HERE / "realtime_server.py"), kind,
         "--port", str(port), "--users", str(users)], cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 180  # seeding thousands of users in the embedded store
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return server, port
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"{kind} server exited") from None
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"{kind} server did not start")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


def run(kind: str, scenario: str, args: list[str], users: int) -> dict[str, object]:
    server, port = _start(kind, users)
    try:
        out = subprocess.run(
            ["taskset", "-c", "1", PYTHON, str(HERE / "realtime_load.py"), scenario,
             "--port", str(port), "--server-pid", str(server.pid), *args],
            capture_output=True, text=True, timeout=600, cwd=ROOT)
        if out.returncode != 0:
            return {"server": kind, "scenario": scenario, "error": out.stderr[-500:]}
        result = json.loads(out.stdout.strip().splitlines()[-1])
        return {"server": kind, **result}
    finally:
        _stop(server)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller runs")
    parser.add_argument("--only", choices=["ours", "plain"])
    options = parser.parse_args()
    q = 2 if options.quick else 1
    scenarios = [
        ("broadcast", ["--clients", "500", "--messages", str(200 // q), "--per-burst", "1"], 502),
        ("broadcast", ["--clients", "500", "--messages", str(40 // q), "--per-burst", "10"], 502),
        ("broadcast", ["--clients", "2000", "--messages", str(60 // q), "--per-burst", "1"], 2002),
        ("broadcast", ["--clients", "2000", "--messages", str(12 // q), "--per-burst", "10"],
         2002),
        ("latency", ["--clients", "100", "--rate", "100", "--seconds", str(5 / q),
                     "--path", "message"], 2),
        ("latency", ["--clients", "100", "--rate", "100", "--seconds", str(5 / q),
                     "--path", "push"], 102),
        ("pairs", ["--clients", "1000", "--seconds", str(5 / q)], 2002),
    ]
    results = []
    for scenario, args, users in scenarios:
        for kind in ("ours", "plain"):
            if options.only and kind != options.only:
                continue
            result = run(kind, scenario, args, users)
            print(json.dumps(result), flush=True)
            results.append(result)
    print("\nsummary (core 0 server, core 1 load; both cores shared with other work):")
    for r in results:
        figures = {k: v for k, v in r.items() if k in (
            "deliveries_per_s", "deliveries_per_server_cpu_s", "p50_ms", "p99_ms",
            "messages_per_s", "lost_connections", "error")}
        shape = {k: r[k] for k in ("clients", "members", "path", "conversations", "per_burst")
                 if k in r}
        print(f"  {r['server']:5} {r['scenario']:9} {shape} {figures}")


if __name__ == "__main__":
    main()
