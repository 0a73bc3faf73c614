"""The app installed from its wheel (not editable, as the Docker image installs it) serves the
built web client at `/`.

This stands in for building the image (no Docker engine here): the image's wheel stage runs
the same `pip wheel`, and its runtime stage installs that wheel with --no-deps. The fresh venv
gets its dependencies from the test venv's site-packages through a .pth line (installing them
again would take minutes; the image installs them from requirements.lock); a line in a .pth adds
a directory without running that directory's own .pth files, so the editable install of this
checkout stays out and only the wheel's copy of the app can answer.
"""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
import urllib.request
import venv
from pathlib import Path

import pytest

from tests.production.platform import ROOT, Node, process_env


def test_installed_wheel_serves_the_web_client(tmp_path: Path) -> None:
    if not (ROOT / "web" / "dist" / "index.html").is_file():
        pytest.fail("web/dist is not built: run scripts/setup --test (it runs scripts/build-web)")
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(wheels), str(ROOT)],
                   check=True, timeout=300, cwd=tmp_path)
    (wheel,) = wheels.glob("openchance-*.whl")
    fresh = tmp_path / "fresh"
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True, timeout=300)
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_path("
                              "'purelib'))"], capture_output=True, text=True, check=True)
    Path(purelib.stdout.strip(), "test-venv-deps.pth").write_text(
        sysconfig.get_path("purelib") + "\n")
    where = subprocess.run([python, "-c", "import realtime; print(realtime.__file__)"],
                           capture_output=True, text=True, check=True, cwd=tmp_path)
    assert where.stdout.startswith(str(fresh)), where.stdout  # the wheel's copy, not ours

    node = Node(process_env(), tmp_path / "serve.log")
    node.start_with(python, cwd=tmp_path)
    try:
        import asyncio

        asyncio.run(node.healthy())
        with urllib.request.urlopen(f"{node.url}/", timeout=10) as response:
            page = response.read().decode()
        assert response.status == 200 and "not built" not in page
        script = re.search(r'src="(/assets/[^"]+\.js)"', page)
        assert script, page
        with urllib.request.urlopen(f"{node.url}{script.group(1)}", timeout=10) as response:
            assert response.status == 200 and len(response.read()) > 1000
    finally:
        node.stop()
