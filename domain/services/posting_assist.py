"""While posting: a suggested category, tags and difficulty for a draft (always optional).

A chat model answers when one is configured (OpenAI); its answer is validated like user input
and anything unusable is replaced by the offline heuristic, which also answers alone when no
model is configured or the model fails. Nothing is saved: the poster takes it or leaves it.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import StringConstraints

from domain.deps import Deps
from domain.models.challenges import Challenge, Difficulty
from domain.services.common import load_actor, parse
from domain.services.inputs import StrictInput

log = logging.getLogger(__name__)
MAX_TAGS = 5
_TAG = re.compile(r"^[a-z0-9][a-z0-9+#.\-]{0,29}$")
_WORD = re.compile(r"[a-z0-9][a-z0-9+#.\-]*[a-z0-9+#]|[a-z0-9]")

CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "engineering": ("code", "bug", "api", "backend", "frontend", "python", "javascript", "rust",
                    "server", "database", "deploy", "performance", "refactor", "test", "app",
                    "script", "library", "asyncio", "sql", "docker", "kubernetes", "fix"),
    "design": ("logo", "design", "ui", "ux", "figma", "illustration", "icon", "brand", "mockup",
               "poster", "layout", "font"),
    "writing": ("write", "article", "blog", "copy", "essay", "story", "documentation", "edit",
                "proofread", "newsletter"),
    "translation": ("translate", "translation", "german", "french", "spanish", "english",
                    "japanese", "localize", "localization", "subtitles"),
    "data": ("data", "dataset", "analysis", "csv", "spreadsheet", "dashboard", "statistics",
             "model", "machine", "learning", "scrape", "etl"),
    "research": ("research", "survey", "literature", "study", "investigate", "compare",
                 "market", "report", "question"),
}
KNOWN_TAGS = frozenset((
    "python", "javascript", "typescript", "rust", "go", "java", "c++", "sql", "asyncio",
    "react", "css", "html", "docker", "kubernetes", "aws", "linux", "api", "perf", "security",
    "testing", "figma", "logo", "ui", "ux", "translation", "german", "french", "spanish",
    "english", "writing", "seo", "data", "pandas", "ml", "excel", "research", "scraping"))
HARD_WORDS = ("distributed", "optimize", "optimise", "scale", "security", "kernel", "compiler",
              "concurrency", "cryptography", "migration", "realtime", "real-time")
EASY_WORDS = ("simple", "small", "quick", "typo", "minor", "tiny", "basic", "easy")


def _text(min_length: int, max_length: int) -> Any:
    return StringConstraints(strip_whitespace=True, min_length=min_length,
                             max_length=max_length, strict=True)


class AssistInput(StrictInput):
    title: Annotated[str, _text(3, 120)]
    description: Annotated[str, _text(0, 10_000)] = ""


@dataclass(frozen=True)
class MetadataSuggestion:
    category: str
    tags: list[str]
    difficulty: Difficulty
    source: str  # "model" or "heuristic"


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def heuristic(title: str, description: str, known_tags: frozenset[str]) -> MetadataSuggestion:
    words = _words(f"{title} {title} {description}")  # the title counts twice
    counts = Counter(words)
    scores = {cat: sum(counts[w] for w in vocab) for cat, vocab in CATEGORY_WORDS.items()}
    best = max(scores, key=lambda c: scores[c])
    category = best if scores[best] else "other"
    tags = [w for w, _ in counts.most_common() if w in known_tags][:MAX_TAGS]
    text = " ".join(words)
    hard = sum(text.count(w) for w in HARD_WORDS)
    if hard >= 2 or len(description) > 3000:
        difficulty = Difficulty.EXPERT if hard >= 3 else Difficulty.HARD
    elif any(w in counts for w in EASY_WORDS) or len(description) < 120:
        difficulty = Difficulty.EASY
    else:
        difficulty = Difficulty.MEDIUM
    return MetadataSuggestion(category, tags, difficulty, "heuristic")


def _validated(answer: Mapping[str, Any], fallback: MetadataSuggestion) -> MetadataSuggestion:
    category = answer.get("category")
    if not isinstance(category, str) or not 1 <= len(category.strip()) <= 40:
        category = fallback.category
    raw_tags = answer.get("tags")
    tags = [t.strip().lower() for t in raw_tags if isinstance(t, str)] \
        if isinstance(raw_tags, list) else []
    tags = list(dict.fromkeys(t for t in tags if _TAG.match(t)))[:MAX_TAGS] or fallback.tags
    try:
        difficulty = Difficulty(str(answer.get("difficulty", "")).lower())
    except ValueError:
        difficulty = fallback.difficulty
    return MetadataSuggestion(category.strip().lower(), tags, difficulty, "model")


SYSTEM_PROMPT = (
    "You help people post challenges (paid tasks) on a marketplace. Given a draft's title and "
    "description, answer with one JSON object: {\"category\": one lower-case word such as "
    "engineering, design, writing, translation, data, research or other, \"tags\": up to 5 "
    "lower-case tags (letters, digits, + # . -), \"difficulty\": one of easy, medium, hard, "
    "expert}. Answer with the JSON object only.")


async def _tags_in_use() -> frozenset[str]:
    recent = await Challenge.find({}).sort("-created_at").limit(300).to_list()
    return KNOWN_TAGS | {tag for c in recent for tag in c.tags}


async def suggest_metadata(deps: Deps, actor_id: str,
                           data: Mapping[str, Any]) -> MetadataSuggestion:
    await load_actor(actor_id)
    form = parse(AssistInput, data)
    fallback = heuristic(form.title, form.description, await _tags_in_use())
    if deps.chat_model is None:
        return fallback
    try:
        answer = await deps.chat_model.complete_json(
            system=SYSTEM_PROMPT,
            user=f"Title: {form.title}\n\nDescription:\n{form.description[:4000]}")
    except Exception:  # the assist is optional: a failing model must not block posting
        log.warning("the chat model failed; the heuristic suggests instead", exc_info=True)
        return fallback
    return _validated(answer, fallback)
