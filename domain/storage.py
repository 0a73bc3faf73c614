"""Opening the document store: a real MongoDB when MONGODB_URL is set, else the in-memory one
(kept in a data directory when one is given, see domain/adapters/memory_journal.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from beanie import init_beanie
from pymongo import AsyncMongoClient

from domain.adapters.journaled_mongo import JournaledMongoClient
from domain.adapters.memory_journal import FsyncPolicy
from domain.adapters.memory_mongo import MemoryMongoClient
from domain.models import ALL_DOCUMENTS


async def open_storage(mongodb_url: str | None, database_name: str = "openchance", *,
                       data_dir: str | Path | None = None,
                       fsync: FsyncPolicy = "interval") -> Any:
    """Connect, create every index, and return the client (close it with ``close_storage``).
    ``data_dir`` (embedded store only) keeps the data across restarts and crashes."""
    client: Any
    if mongodb_url:
        client = AsyncMongoClient(mongodb_url, tz_aware=True)
    elif data_dir:
        client = JournaledMongoClient.open(data_dir, fsync=fsync)
    else:
        client = MemoryMongoClient()
    try:
        await init_beanie(database=client[database_name], document_models=list(ALL_DOCUMENTS))
    except BaseException:
        await client.close()
        raise
    return client


async def close_storage(client: Any) -> None:
    await client.close()

