"""The seams of the layout hold: realtime/ and bots/ never import each other, workers/ imports
neither, and domain services reach the outside world only through ports."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(package: str) -> dict[str, set[str]]:
    """Each module file of ``package`` -> the absolute module names it imports."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f"{module} imports {name}"
                  for module, names in imported_modules(package).items() for name in names
                  if name.split(".")[0] in forbidden or name.startswith(forbidden))


def test_realtime_and_bots_do_not_import_each_other() -> None:
    assert offenders("realtime", ("bots",)) == []
    assert offenders("bots", ("realtime",)) == []


def test_workers_import_no_interface() -> None:
    assert offenders("workers", ("realtime", "bots")) == []


def test_domain_services_import_no_adapter() -> None:
    assert offenders("domain/services", ("domain.adapters", "stripe", "redis", "openai",
                                         "typesense")) == []


def test_domain_imports_no_interface_and_no_configuration() -> None:
    assert offenders("domain", ("realtime", "bots", "workers", "openchance")) == []


def test_the_check_sees_a_violation() -> None:
    # The walker itself works: the composition root does import the interfaces.
    assert offenders("openchance", ("realtime",))
