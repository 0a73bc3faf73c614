"""Realtime benchmark: ours against Node.js socket.io and a plain python-socketio server.

Three servers on the same workload with the same load client (realtime_load.py, raw frames on
uvloop): Node's socket.io (benchmarks/node/, installed from npm with its package-lock), a plain
python-socketio server and ours (the real application). Each server runs pinned to core 0
(``taskset``), restarted for every run; the load runs in its own process pinned to core 1.
Every row runs ``--repeat`` times (default 2) back to back with the servers interleaved, and
the summary prints each server's range and ours / Node, ours / plain as ranges of the ratios
of runs made together. Figures are printed, never asserted. Other processes share both cores,
so ``deliveries_per_server_cpu_s`` (server CPU time over the phase) is printed too: contention
distorts it less than wall-clock rates.

    .venv/bin/python benchmarks/realtime_bench.py [--quick] [--repeat 2] [--rows 1,2]
        [--only ours --only node] [--memory-sockets 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
KINDS = ("node", "plain", "ours")
sys.path.insert(0, str(HERE))
from realtime_load import raise_file_limit  # noqa: E402


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


NODE_DIR = HERE / "node"


def _node_server(port: int) -> list[str]:
    """The Node.js socket.io server's command; installs its locked packages the first time."""
    node = shutil.which("node", path=f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '')}")
    if node is None:
        raise RuntimeError("the Node.js comparison needs node (scripts/setup installs one)")
    lock = NODE_DIR / "package-lock.json"
    installed = NODE_DIR / "node_modules" / ".package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        npm = str(Path(node).with_name("npm"))
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True)
    return [node, str(NODE_DIR / "server.js"), str(port)]


CODE = ROOT  # whose application "ours" runs: --code points it at another checkout


def _start(kind: str, users: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    from realtime_server import CHALLENGE_PAYLOAD

    command = _node_server(port) if kind == "node" else [
        PYTHON, str(HERE / "realtime_server.py"), kind, "--port", str(port),
        "--users", str(users)]
    server = subprocess.Popen(
        ["taskset", "-c", "0", *command], cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{CODE}{os.pathsep}{ROOT}",
             "BENCH_CHALLENGE": json.dumps(CHALLENGE_PAYLOAD)})
    deadline = time.monotonic() + 300  # seeding thousands of users in the embedded store
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


def run(kind: str, scenario: str, args: list[str], users: int) -> dict[str, Any]:
    server, port = _start(kind, users)
    try:
        out = subprocess.run(
            ["taskset", "-c", "1", PYTHON, str(HERE / "realtime_load.py"), scenario,
             "--port", str(port), "--server-pid", str(server.pid), *args],
            capture_output=True, text=True, timeout=900, cwd=ROOT)
        if out.returncode != 0:
            return {"server": kind, "scenario": scenario, "error": out.stderr[-500:]}
        result = json.loads(out.stdout.strip().splitlines()[-1])
        return {"server": kind, **result}
    finally:
        _stop(server)


@dataclass
class Row:
    """One line of the comparison table: a scenario, its load arguments, users to seed and
    the figure compared (higher is better unless ``lower_is_better``)."""

    name: str
    scenario: str
    args: list[str]
    users: int
    figure: str
    lower_is_better: bool = False
    kinds: tuple[str, ...] = KINDS


def rows(quick: bool, memory_sockets: int) -> list[Row]:
    q = 2 if quick else 1
    broadcast = "deliveries_per_s"
    return [
        Row("500 watchers x 200 pushes", "broadcast",
            ["--clients", "500", "--messages", str(200 // q)], 502, broadcast),
        Row("2,000 watchers x 50 pushes", "broadcast",
            ["--clients", "2000", "--messages", str(50 // q)], 2002, broadcast),
        Row("100 watchers x 500 pushes", "broadcast",
            ["--clients", "100", "--messages", str(500 // q)], 102, broadcast),
        Row("100-member room at 10k deliveries/s, p99 ms", "latency",
            ["--clients", "100", "--rate", "100", "--seconds", str(5 / q), "--path", "push"],
            102, "p99_ms", lower_is_better=True),
        Row("chat message in a 100-member room at 10k/s, p99 ms", "latency",
            ["--clients", "100", "--rate", "100", "--seconds", str(5 / q),
             "--path", "message"], 2, "p99_ms", lower_is_better=True),
        Row("1,000 two-person chats, messages/s (ours persists)", "pairs",
            ["--clients", "1000", "--seconds", str(5 / q)], 2002, "messages_per_s"),
        Row(f"idle authenticated sockets x {memory_sockets}, KB each", "idle",
            ["--clients", str(memory_sockets)], memory_sockets + 2, "kb_per_socket",
            lower_is_better=True),
    ]


def _span(values: list[float]) -> str:
    if not values:
        return "-"
    low, high = min(values), max(values)
    fmt = (lambda v: f"{v / 1000:.1f}k") if high >= 10_000 else (lambda v: f"{v:.3g}")
    return fmt(low) if low == high else f"{fmt(low)}-{fmt(high)}"


def _ratio(ours: float | None, other: float | None, lower_is_better: bool) -> float | None:
    if not ours or not other:
        return None
    return other / ours if lower_is_better else ours / other


def table(results: list[tuple[Row, int, dict[str, Any]]], table_rows: list[Row]) -> list[str]:
    """Markdown lines: per row the range over repeats for each server, and ours / Node and
    ours / plain as ranges of the ratios of runs made back to back (>1 means ours is better,
    also for latency and memory, where the ratio is theirs / ours)."""
    lines = ["| row | Node socket.io | plain python-socketio | OpenChance | ours vs Node |"
             " ours vs plain | ours, deliveries per server CPU-s |",
             "|---|---|---|---|---|---|---|"]
    for row in table_rows:
        got: dict[str, dict[int, dict[str, Any]]] = {}
        for r, repeat, result in results:
            if r is row:
                got.setdefault(result["server"], {})[repeat] = result
        figures = {kind: [res.get(row.figure) for res in got.get(kind, {}).values()
                          if res.get(row.figure) is not None] for kind in KINDS}
        ratios = {}
        for other in ("node", "plain"):
            pairs = [_ratio(got.get("ours", {}).get(i, {}).get(row.figure),
                            got.get(other, {}).get(i, {}).get(row.figure), row.lower_is_better)
                     for i in got.get("ours", {})]
            ratios[other] = [p for p in pairs if p is not None]
        per_cpu = [res.get("deliveries_per_server_cpu_s") for res in got.get("ours", {}).values()
                   if res.get("deliveries_per_server_cpu_s")]
        ratio_text = {k: (_span(v) + "x") if v else "-" for k, v in ratios.items()}
        lines.append(f"| {row.name} | {_span(figures['node'])} | {_span(figures['plain'])} | "
                     f"{_span(figures['ours'])} | {ratio_text['node']} | "
                     f"{ratio_text['plain']} | {_span(per_cpu)} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller runs")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each row, back to back")
    parser.add_argument("--only", choices=KINDS, action="append",
                        help="servers to run (repeatable); all three by default")
    parser.add_argument("--rows", help="comma-separated row numbers (1-based) to run")
    parser.add_argument("--memory-sockets", type=int, default=20_000)
    parser.add_argument("--code", type=Path, default=ROOT,
                        help="a checkout whose application 'ours' runs (before/after figures)")
    options = parser.parse_args()
    global CODE
    CODE = options.code.resolve()
    table_rows = rows(options.quick, options.memory_sockets)
    if options.rows:
        table_rows = [table_rows[int(n) - 1] for n in options.rows.split(",")]
    kinds = options.only or list(KINDS)
    raise_file_limit()  # the servers inherit it
    results = []
    for row in table_rows:
        for repeat in range(options.repeat):
            for kind in kinds:
                if kind not in row.kinds:
                    continue
                result = run(kind, row.scenario, row.args, row.users)
                print(json.dumps({"row": row.name, "repeat": repeat, **result}), flush=True)
                results.append((row, repeat, result))
    print(f"\nserver pinned to core 0, load client to core 1; {options.repeat} runs per row, "
          "back to back, servers interleaved; both cores are shared with other work, so read "
          "ranges, not single figures:\n")
    print("\n".join(table(results, table_rows)))


if __name__ == "__main__":
    main()
