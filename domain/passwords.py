"""Password hashing with argon2id. The cost is a setting: production uses argon2-cffi's
RFC 9106 low-memory profile (64 MiB, 3 passes); test runs may pick the cheapest profile, since
every hash records its own parameters and verifies the same way whatever the profile."""

from __future__ import annotations

from typing import Literal

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

HashProfile = Literal["default", "cheapest"]
_PROFILES = {"default": profiles.RFC_9106_LOW_MEMORY, "cheapest": profiles.CHEAPEST}


def make_hasher(profile: HashProfile = "default") -> PasswordHasher:
    return PasswordHasher.from_parameters(_PROFILES[profile])


async def hash_password(hasher: PasswordHasher, password: str) -> str:
    """Every service hashes through here, so where hashing runs (a worker pool, off the event
    loop) is decided in this one place."""
    return hasher.hash(password)


async def verify_password(hasher: PasswordHasher, stored_hash: str, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; a malformed hash is a mismatch."""
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False
