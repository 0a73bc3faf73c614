"""`openchance serve` as a user runs it: a real process, a real port, the banner, /healthz."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, process: subprocess.Popen, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                return json.loads(response.read())
        except OSError:
            time.sleep(0.2)
    raise AssertionError("serve did not become healthy in time")


@pytest.mark.parametrize("demo", [False, True])
def test_serve_prints_banner_and_is_healthy(demo: bool) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("MONGODB_URL", "REDIS_URL")}
    env["PASSWORD_HASH_PROFILE"] = "cheapest"
    args = [sys.executable, "-m", "openchance.cli", "serve", "--port", str(port)]
    process = subprocess.Popen(args + (["--demo"] if demo else []), cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_healthy(f"http://127.0.0.1:{port}/healthz", process) == {"status": "ok"}
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=15)
    assert f"http://127.0.0.1:{port}" in output
    assert "MongoDB (in-memory emulation)" in output
    assert "lost when this process exits" in output
    assert ("Demo data loaded" in output) is demo


def test_seed_without_mongodb_url_explains_itself() -> None:
    env = {k: v for k, v in os.environ.items() if k != "MONGODB_URL"}
    result = subprocess.run([sys.executable, "-m", "openchance.cli", "seed", "--demo"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "MONGODB_URL" in result.stderr
