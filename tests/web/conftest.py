"""Fixtures of the web client's tests: the built client, a real `openchance serve` in a
subprocess, and Chromium (Debian's, never a downloaded one) driven by Playwright."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
HAVE_CHROMIUM = CHROMIUM.is_file()
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def web_dist() -> Path:
    """web/dist, built by scripts/build-web if it is missing or stale."""
    if shutil.which("npm") is None and not (ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("npm is missing and web/dist was never built; install Node.js 20.19+")
    subprocess.run([str(ROOT / "scripts" / "build-web")], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)
    return ROOT / "web" / "dist"


class Server:
    def __init__(self, url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.url = url
        self.process = process
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture(scope="module")
def server(web_dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real `openchance serve --demo` on a free port, on the embedded defaults (the demo data
    gives the tests a moderator account)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = {**os.environ, "OPENCHANCE_PUBLIC_URL": url, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "openchance.cli", "serve", "--host", "127.0.0.1",
             "--port", str(port), "--demo"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    running = Server(url, process, log)
    deadline = time.monotonic() + 60   # a busy two-core machine can take this long
    while True:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"openchance serve did not start:\n{running.output()}")
        time.sleep(0.2)
    yield running
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not HAVE_CHROMIUM:
        pytest.skip(f"Chromium is not installed at {CHROMIUM} "
                    "(apt-get install -y chromium); browser tests need it")
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                    args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
