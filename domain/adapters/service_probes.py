"""Checks that MONGODB_URL and REDIS_URL name servers that answer, before a process starts.

Without them the drivers retry for 30 s and then raise a page of traceback; here each failure
is one line naming the variable, within the timeout. This module imports only the drivers (no
models, no Beanie), so the check runs before the slow imports of a process.
"""

from __future__ import annotations

from typing import Any


class StartupProblem(Exception):
    """A setting that stops a process from starting; its message is one line for the operator."""


def check_mongodb_url(url: str, timeout: float = 2.0) -> None:
    from pymongo import MongoClient
    from pymongo.errors import PyMongoError

    if not url.startswith(("mongodb://", "mongodb+srv://")):
        raise StartupProblem("MONGODB_URL is not a MongoDB connection string: it must start "
                             "with mongodb:// or mongodb+srv://")
    milliseconds = int(timeout * 1000)
    try:
        client: MongoClient[Any] = MongoClient(
            url, serverSelectionTimeoutMS=milliseconds, connectTimeoutMS=milliseconds,
            socketTimeoutMS=milliseconds, connect=False)
    except (PyMongoError, ValueError, TypeError) as error:
        raise StartupProblem(f"MONGODB_URL is not a usable MongoDB connection string: "
                             f"{_short(error)}") from None
    try:
        client.admin.command("ping")
    except PyMongoError as error:
        servers = client.topology_description.server_descriptions()
        reasons = "; ".join(_short(server.error) for server in servers.values() if server.error)
        raise StartupProblem(f"MONGODB_URL: no MongoDB answered within {timeout:g} s "
                             f"({reasons or _short(error)})") from None
    finally:
        client.close()


def check_redis_url(url: str, timeout: float = 2.0) -> None:
    import redis
    from redis.exceptions import RedisError

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout,
                                      socket_timeout=timeout)
    except (ValueError, TypeError) as error:
        raise StartupProblem(f"REDIS_URL is not a Redis URL: {_short(error)}") from None
    try:
        client.ping()
    except (RedisError, OSError) as error:
        where = client.connection_pool.connection_kwargs
        target = where.get("path") or f"{where.get('host')}:{where.get('port')}"
        raise StartupProblem(f"REDIS_URL: no Redis answered at {target} within {timeout:g} s "
                             f"({_short(error)})") from None
    finally:
        client.close()


def _short(error: object) -> str:
    """The gist of a driver's error: its first line, without the driver's appendices."""
    lines = str(error).strip().splitlines()
    line = lines[0] if lines else type(error).__name__
    for appendix in (" (configured timeouts", ", Timeout:"):
        line = line.split(appendix)[0]
    return line if len(line) <= 160 else line[:157] + "..."
