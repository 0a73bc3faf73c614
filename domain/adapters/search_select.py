"""Which search index, embedder and chat model a process uses, from its settings.

Typesense when ``TYPESENSE_URL`` is set, else the embedded SQLite index (a file under
``OPENCHANCE_DATA_DIR`` when set, so it survives restarts; in memory otherwise, rebuilt by
the catch-up at start). Embeddings: OpenAI with ``OPENAI_API_KEY``, else the offline
all-MiniLM-L6-v2 when the ``ml`` extra is installed, else the lexical fallback;
``OPENCHANCE_EMBEDDER`` (openai, onnx, lexical) forces one. The chat model (the posting
assist) is OpenAI's or none (the domain's heuristic answers).
"""

from __future__ import annotations

import logging
import os
from typing import Any

from domain.ports import ChatModel, Embedder, SearchIndex

log = logging.getLogger(__name__)


def _setting(settings: Any, name: str, default: Any = None) -> Any:
    value = getattr(settings, name, None)
    return value if value is not None else os.environ.get(name.upper(), default)


def build_search_index(settings: Any) -> SearchIndex:
    url = _setting(settings, "typesense_url")
    if url:
        from domain.adapters.search_typesense import TypesenseSearchIndex

        return TypesenseSearchIndex(url, _setting(settings, "typesense_api_key", ""),
                                    collection=_setting(settings, "typesense_collection",
                                                        "challenges"))
    from domain.adapters.search_sqlite import SqliteSearchIndex

    data_dir = _setting(settings, "openchance_data_dir")
    if data_dir:
        os.makedirs(data_dir, exist_ok=True)
        return SqliteSearchIndex(os.path.join(data_dir, "search.sqlite3"))
    return SqliteSearchIndex()


def _openai(settings: Any) -> Any:
    from domain.adapters.openai_models import openai_client

    return openai_client(_setting(settings, "openai_api_key"),
                         _setting(settings, "openai_base_url"))


def build_embedder(settings: Any) -> Embedder:
    choice = (_setting(settings, "openchance_embedder") or "auto").lower()
    if choice == "openai" or (choice == "auto" and _setting(settings, "openai_api_key")):
        from domain.adapters.openai_models import OpenAIEmbedder

        return OpenAIEmbedder(_openai(settings), _setting(
            settings, "openai_embedding_model", "text-embedding-3-small"))
    if choice in ("auto", "onnx"):
        from domain.adapters.embedder_onnx import OnnxMiniLmEmbedder, model_files

        if model_files() is not None:
            return OnnxMiniLmEmbedder()
        if choice == "onnx":
            raise RuntimeError("OPENCHANCE_EMBEDDER=onnx needs pip install 'openchance[ml]'")
    from domain.adapters.embedder_lexical import LexicalEmbedder

    return LexicalEmbedder()


def build_chat_model(settings: Any) -> ChatModel | None:
    if not _setting(settings, "openai_api_key"):
        return None
    from domain.adapters.openai_models import OpenAIChatModel

    return OpenAIChatModel(_openai(settings), _setting(settings, "openai_chat_model",
                                                       "gpt-4o-mini"))
