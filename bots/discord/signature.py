"""Discord signs every HTTP interaction with the application's Ed25519 key: the hex signature
in ``X-Signature-Ed25519`` is over ``X-Signature-Timestamp`` followed by the raw body, checked
against the application's public key (DISCORD_PUBLIC_KEY, from the developer portal's
General Information page). Discord also sends deliberately bad signatures when the
Interactions Endpoint URL is saved, and refuses the URL unless they get 401."""

from __future__ import annotations

import binascii
import time

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

SIGNATURE_HEADER = "X-Signature-Ed25519"
TIMESTAMP_HEADER = "X-Signature-Timestamp"
# A signed request older (or newer) than this is refused, so a captured one cannot be
# replayed later; Discord sends within a second.
MAX_AGE_SECONDS = 300


class Verifier:
    def __init__(self, public_key_hex: str) -> None:
        """``public_key_hex``: 64 hex digits (32 bytes), as the developer portal shows it."""
        try:
            raw = bytes.fromhex(public_key_hex.strip())
            self._key = Ed25519PublicKey.from_public_bytes(raw)
        except ValueError as exc:
            raise ValueError("DISCORD_PUBLIC_KEY must be the application's public key: 64 hex "
                             "digits from the developer portal's General Information page"
                             ) from exc

    def valid(self, signature: str | None, timestamp: str | None, body: bytes, *,
              now: float | None = None) -> bool:
        if not signature or not timestamp or not timestamp.isdigit():
            return False
        if abs((time.time() if now is None else now) - int(timestamp)) > MAX_AGE_SECONDS:
            return False
        try:
            self._key.verify(binascii.unhexlify(signature), timestamp.encode() + body)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True
