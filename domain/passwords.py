"""Password hashing with argon2id, off the event loop.

The cost is a setting: production uses argon2-cffi's RFC 9106 low-memory profile (64 MiB, 3
passes); test runs may pick the cheapest profile, since every hash records its own parameters
and verifies the same way whatever the profile.

One hash takes tens of milliseconds of CPU and 64 MiB, so it never runs on the event loop: a
small thread pool (argon2-cffi releases the GIL) does it, at a lower CPU priority than the loop
so a burst of logins slows logins, not everything else. The number of hashes waiting is bounded;
past it the caller is told to retry (``Unavailable``) instead of queueing without end.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal, TypeVar

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from domain.errors import Unavailable

HashProfile = Literal["default", "cheapest"]
_PROFILES = {"default": profiles.RFC_9106_LOW_MEMORY, "cheapest": profiles.CHEAPEST}

# Half the cores (at least one): the other half keeps serving requests during a login burst.
HASH_WORKERS = max(1, (os.cpu_count() or 2) // 2)
# Hashes queued or running before new ones are refused; each waits at most about
# MAX_PENDING / HASH_WORKERS hash times (well under a second with the production profile).
MAX_PENDING = 16
_LOWER_PRIORITY_BY = 15  # nice steps for the hashing threads (Linux: per thread)
T = TypeVar("T")


def make_hasher(profile: HashProfile = "default") -> PasswordHasher:
    return PasswordHasher.from_parameters(_PROFILES[profile])


def _lower_priority() -> None:
    # On Linux a thread is a task with its own nice value, and the threads argon2 starts for
    # its lanes inherit it; elsewhere this does nothing.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _LOWER_PRIORITY_BY)


class _HashPool:
    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()
        self.pending = 0  # touched only from event-loop threads, between awaits

    def executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(HASH_WORKERS, "password-hash",
                                                    initializer=_lower_priority)
            return self._executor

    async def run(self, fn: Callable[..., T], *args: str) -> T:
        if self.pending >= MAX_PENDING:
            raise Unavailable("too many sign-ins at once; try again in a few seconds",
                              retry_after=2)
        self.pending += 1
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self.executor(), fn, *args)
        finally:
            self.pending -= 1


_POOL = _HashPool()


async def hash_password(hasher: PasswordHasher, password: str) -> str:
    """Every service hashes through here, so where hashing runs (the pool, off the event
    loop) is decided in this one place."""
    return await _POOL.run(hasher.hash, password)


async def verify_password(hasher: PasswordHasher, stored: str, password: str) -> bool:
    """True when ``password`` matches ``stored``; False for a wrong password or a bad hash."""
    def verify(stored: str, password: str) -> bool:
        try:
            return hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    return await _POOL.run(verify, stored, password)


def pending_hashes() -> int:
    """Hashes queued or running now (for tests and readiness)."""
    return _POOL.pending
