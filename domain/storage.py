"""Opening the document store: a real MongoDB when MONGODB_URL is set, else the in-memory one."""

from __future__ import annotations

from typing import Any

from beanie import init_beanie
from pymongo import AsyncMongoClient

from domain.adapters.memory_mongo import MemoryMongoClient
from domain.models import ALL_DOCUMENTS


async def open_storage(mongodb_url: str | None, database_name: str = "openchance") -> Any:
    """Connect, create every index, and return the client (close it with ``close_storage``)."""
    client: Any = (AsyncMongoClient(mongodb_url, tz_aware=True) if mongodb_url
                   else MemoryMongoClient())
    await init_beanie(database=client[database_name], document_models=list(ALL_DOCUMENTS))
    return client


async def close_storage(client: Any) -> None:
    await client.close()
