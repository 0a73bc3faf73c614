"""The install step behind the README's run command really runs to its end."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_setup_without_test_extras_installs_and_builds() -> None:
    # scripts/run calls this; it once stopped silently under `set -e` before installing.
    result = subprocess.run(["bash", "scripts/setup"], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (ROOT / ".venv" / ".installed").is_file()
    assert (ROOT / "web" / "dist" / "index.html").is_file()


def test_scripts_are_valid_bash() -> None:
    for script in ("setup", "run", "test", "build-web"):
        check = subprocess.run(["bash", "-n", str(ROOT / "scripts" / script)],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
