"""Rules of the web client's source, and its JavaScript unit tests (node --test)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "web"
SOURCES = sorted(p for p in (WEB / "src").rglob("*") if p.suffix in {".js", ".jsx"})


def test_user_content_is_never_parsed_as_html() -> None:
    """Preact renders strings as text; these are the ways around that, and none is used."""
    forbidden = re.compile(r"dangerouslySetInnerHTML|innerHTML|outerHTML|insertAdjacentHTML|"
                           r"document\.write|\beval\(|new Function\(")
    assert SOURCES, "no client sources found"
    offenders = [f"{p.name}: {m.group(0)}" for p in SOURCES
                 for m in forbidden.finditer(p.read_text())]
    assert offenders == []


def test_no_cdn_at_run_time() -> None:
    pages = [WEB / "index.html", *SOURCES]
    remote = [p.name for p in pages if re.search(r"""(src|href)=["']https?://""", p.read_text())]
    assert remote == []


def test_lock_file_is_committed_with_the_manifest() -> None:
    assert (WEB / "package.json").is_file() and (WEB / "package-lock.json").is_file()


def test_javascript_units() -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    result = subprocess.run(["node", "--test", "test/"], cwd=WEB, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
