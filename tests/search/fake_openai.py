"""A local stand-in for OpenAI's API (embeddings, chat completions) on a real port, for the
real ``openai`` client. Embeddings are the lexical fallback's vectors, so similar words give
similar vectors; the chat answer is whatever the test sets. Requests are kept for asserts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp import web

from domain.adapters.embedder_lexical import lexical_vector


@dataclass
class FakeOpenAI:
    api_key: str = "sk-test"
    chat_answer: dict[str, Any] | str = field(default_factory=dict)
    chat_status: int = 200
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v1/embeddings", self.embeddings)
        app.router.add_post("/v1/chat/completions", self.chat)
        return app

    def _authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.api_key}"

    async def embeddings(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": {"message": "bad key"}}, status=401)
        body = await request.json()
        self.requests.append(("embeddings", body))
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        data = [{"object": "embedding", "index": i, "embedding": lexical_vector(text)}
                for i, text in enumerate(texts)]
        return web.json_response({"object": "list", "data": data, "model": body["model"],
                                  "usage": {"prompt_tokens": 1, "total_tokens": 1}})

    async def chat(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            return web.json_response({"error": {"message": "bad key"}}, status=401)
        body = await request.json()
        self.requests.append(("chat", body))
        if self.chat_status != 200:
            return web.json_response({"error": {"message": "nope", "type": "invalid_request"}},
                                     status=self.chat_status)
        content = self.chat_answer if isinstance(self.chat_answer, str) else orjson.dumps(
            self.chat_answer).decode()
        return web.json_response({
            "id": "chatcmpl-1", "object": "chat.completion", "created": 0,
            "model": body["model"], "choices": [{
                "index": 0, "finish_reason": "stop",
                "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
