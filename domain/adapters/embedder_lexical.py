"""The embedder of last resort: hashed bags of words and character trigrams (no model).

Without the ``ml`` extra and without an OpenAI key, matching still works on shared words:
each word (and, more lightly, each of its 3-letter pieces, so "async" and "asyncio" meet)
adds ±weight to one of 384 coordinates chosen by a stable hash. Cosine similarity of two such
vectors is a TF-weighted word overlap; it knows no synonyms ("translator" and "German" are
strangers), which is what the real model adds.
"""

from __future__ import annotations

import hashlib
import math
import re

DIMENSIONS = 384
_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")
_STOP = frozenset(
    "a an and are as at be by for from has have i in is it its of on or our that the their "
    "this to was we with you your will can need needs want who what".split())


def _slot(feature: str) -> tuple[int, float]:
    digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
    number = int.from_bytes(digest, "big")
    return number % DIMENSIONS, 1.0 if number >> 63 else -1.0


def lexical_vector(text: str) -> list[float]:
    vector = [0.0] * DIMENSIONS
    for word in _WORD.findall(text.lower()):
        if word in _STOP:
            continue
        slot, sign = _slot("w:" + word)
        vector[slot] += sign
        for i in range(len(word) - 2):
            slot, sign = _slot("t:" + word[i:i + 3])
            vector[slot] += 0.25 * sign
    norm = math.sqrt(sum(v * v for v in vector))
    return [v / norm for v in vector] if norm else vector


class LexicalEmbedder:
    model = "lexical-hash-384"

    async def embed(self, texts: list[str]) -> list[list[float]]:
        return [lexical_vector(text) for text in texts]
