"""Audits the installed (locked) dependencies for known vulnerabilities; exit 1 if any.

1. pip-audit with PyPI's vulnerability service (OSV, its default, is out of this network's
   reach) audits every dependency it can.
2. Where pip-audit could not (the registry here answers only a project's overall JSON, not the
   per-version documents pip-audit asks for), PyPI's project JSON still lists the advisories of
   the latest release: a dependency pinned at the latest release is audited from that.
3. Anything left is reported as NOT audited, by name: nothing pretends to have checked it.

    .venv/bin/python scripts/audit_deps.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
PYPI_JSON = "https://pypi.org/pypi/{name}/json"
# The virtualenv's own installers, not dependencies of the project.
TOOLING = {"pip", "setuptools", "wheel"}


def installed() -> dict[str, str]:
    out = subprocess.run([str(VENV_BIN / "pip"), "list", "--format=json", "--exclude-editable"],
                         check=True, capture_output=True, text=True).stdout
    return {p["name"].lower(): p["version"] for p in json.loads(out)
            if p["name"].lower() not in TOOLING}


def per_version_json_served(name: str, version: str) -> bool:
    """pip-audit's PyPI service reads /pypi/NAME/VERSION/json; some mirrors serve only
    /pypi/NAME/json. One look tells which this network has."""
    try:
        with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/{version}/json",
                                    timeout=20) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, TimeoutError):
        return False


def pip_audit(requirements: Path) -> dict[str, list[str]] | None:
    """name -> vulnerability ids, for each dependency pip-audit audited (None: it failed)."""
    result = subprocess.run(
        [str(VENV_BIN / "pip-audit"), "--vulnerability-service", "pypi", "--disable-pip",
         "--no-deps", "-r", str(requirements), "-f", "json", "--progress-spinner", "off"],
        capture_output=True, text=True)
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit failed: {result.stderr.strip()[-500:]}", file=sys.stderr)
        return None
    return {d["name"].lower(): [v["id"] for v in d.get("vulns", [])]
            for d in report["dependencies"] if "skip_reason" not in d}


def latest_release_advisories(name: str, version: str) -> list[str] | None:
    """Advisory ids for ``version`` if it is the project's latest release, else None."""
    try:
        with urllib.request.urlopen(PYPI_JSON.format(name=name), timeout=20) as response:
            data = json.load(response)
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError):
        return None
    if data["info"]["version"] != version:
        return None
    return [v["id"] for v in data.get("vulnerabilities") or [] if not v.get("withdrawn")]


def main() -> int:
    deps = installed()
    requirements = Path(".audit-requirements.txt")
    requirements.write_text("".join(f"{n}=={v}\n" for n, v in sorted(deps.items())))
    audited: dict[str, list[str]] = {}
    if per_version_json_served("pip-audit", deps.get("pip-audit", "2.10.1")):
        try:
            audited = pip_audit(requirements) or {}
        finally:
            requirements.unlink(missing_ok=True)
    else:
        requirements.unlink(missing_ok=True)
        print("dependency audit: this registry does not serve the per-version documents "
              "pip-audit reads; auditing from each project's JSON instead")
    rest = sorted(n for n in deps if n not in audited)
    with ThreadPoolExecutor(8) as pool:
        found = dict(zip(rest, pool.map(lambda n: latest_release_advisories(n, deps[n]), rest),
                         strict=True))
    unaudited = [f"{n} {deps[n]}" for n in rest if found[n] is None]
    audited.update({n: ids for n, ids in found.items() if ids is not None})
    vulnerable = {n: ids for n, ids in audited.items() if ids}
    print(f"dependency audit: {len(audited)} of {len(deps)} audited, "
          f"{len(vulnerable)} with known vulnerabilities")
    for name, ids in sorted(vulnerable.items()):
        print(f"  VULNERABLE {name} {deps[name]}: {', '.join(ids)}")
    if unaudited:
        print("  not audited (no advisory data for the pinned version reachable here): "
              + ", ".join(unaudited))
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
