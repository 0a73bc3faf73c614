"""Checks made before a process starts: each failure is one line that names the setting.

``openchance serve|worker|bot|seed`` call ``check_startup`` first; the command line prints a
``StartupProblem`` as ``openchance: <message>`` and exits with code 2. Imports stay light (no
models, no Beanie, no aiohttp) so a wrong URL is reported within seconds.
"""

from __future__ import annotations

from domain.adapters.memory_journal import DataDirInUse, probe_lock
from domain.adapters.service_probes import StartupProblem, check_mongodb_url, check_redis_url

__all__ = ["PRIVATE_STORE_FLAG", "StartupProblem", "check_startup"]
from openchance.settings import Settings

PRIVATE_STORE_FLAG = "--private-store"


def check_startup(settings: Settings, role: str, *, private_store: bool = False) -> list[str]:
    """Raise ``StartupProblem`` for a setting that cannot work; return warnings for the banner."""
    warnings: list[str] = []
    if settings.mongodb_url:
        check_mongodb_url(settings.mongodb_url)
    if settings.redis_url:
        check_redis_url(settings.redis_url)
    if role == "serve" and not settings.mongodb_url:
        if settings.redis_url and not private_store:
            raise StartupProblem(
                "REDIS_URL is set but MONGODB_URL is not: every node sharing that Redis would "
                "keep its own embedded store (a token from one is refused by another). Set "
                f"MONGODB_URL for several nodes, or pass {PRIVATE_STORE_FLAG} to run this one "
                "node on its own store anyway")
        if settings.redis_url:
            warnings.append(
                "WARNING: this node keeps its data in its own embedded store; other nodes and "
                "processes on the same REDIS_URL cannot see it (started with "
                f"{PRIVATE_STORE_FLAG}).")
        if settings.openchance_data_dir:
            try:
                probe_lock(settings.openchance_data_dir)
            except DataDirInUse as error:
                raise StartupProblem(f"OPENCHANCE_DATA_DIR: {error}; several nodes need "
                                     "MONGODB_URL") from None
            except OSError as error:
                raise StartupProblem(f"OPENCHANCE_DATA_DIR: cannot use "
                                     f"{settings.openchance_data_dir}: {error}") from None
    return warnings
