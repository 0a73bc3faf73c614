"""OpenAI's embeddings and chat completions through the official client (``openai``).

``OPENAI_BASE_URL`` points the client elsewhere (a proxy, a compatible server, the tests'
local stand-in)."""

from __future__ import annotations

import math
from typing import Any

import orjson
from openai import AsyncOpenAI


def _unit(vector: list[float]) -> list[float]:
    norm = math.sqrt(sum(v * v for v in vector))
    return [v / norm for v in vector] if norm else vector


def openai_client(api_key: str, base_url: str | None) -> AsyncOpenAI:
    return AsyncOpenAI(api_key=api_key, base_url=base_url, max_retries=2, timeout=20.0)


class OpenAIEmbedder:
    def __init__(self, client: AsyncOpenAI, model: str = "text-embedding-3-small") -> None:
        self.client = client
        self.model = model

    async def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        response = await self.client.embeddings.create(model=self.model, input=texts)
        ordered = sorted(response.data, key=lambda item: item.index)
        return [_unit(list(item.embedding)) for item in ordered]


class OpenAIChatModel:
    def __init__(self, client: AsyncOpenAI, model: str = "gpt-4o-mini") -> None:
        self.client = client
        self.model = model

    async def complete_json(self, *, system: str, user: str) -> dict[str, Any]:
        response = await self.client.chat.completions.create(
            model=self.model, temperature=0, response_format={"type": "json_object"},
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}])
        content = response.choices[0].message.content or "{}"
        data = orjson.loads(content)
        if not isinstance(data, dict):
            raise ValueError("the model answered something other than a JSON object")
        return data
