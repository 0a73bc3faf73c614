"""The OpenAI path: the real ``openai`` client against a local stand-in of the API, chosen by
the same settings production uses (OPENAI_API_KEY, OPENAI_BASE_URL)."""

from __future__ import annotations

from typing import Any

import pytest

from domain.adapters.openai_models import OpenAIChatModel, OpenAIEmbedder
from domain.adapters.search_select import build_chat_model, build_embedder
from domain.deps import Deps
from domain.services import accounts, challenges, matching, posting_assist
from openchance.settings import Settings
from tests.conftest import Users, challenge_data
from tests.search.fake_openai import FakeOpenAI


@pytest.fixture
async def openai_api(aiohttp_server: Any) -> tuple[FakeOpenAI, Settings]:
    fake = FakeOpenAI()
    server = await aiohttp_server(fake.app())
    settings = Settings(openai_api_key=fake.api_key,
                        openai_base_url=str(server.make_url("/v1")))
    return fake, settings


async def test_settings_pick_openai_and_embeddings_go_through_the_client(
        openai_api: tuple[FakeOpenAI, Settings]) -> None:
    fake, settings = openai_api
    embedder = build_embedder(settings)
    assert isinstance(embedder, OpenAIEmbedder)
    vectors = await embedder.embed(["translate german manuals", "german manual translation",
                                    "rust firmware"])
    assert len(vectors) == 3 and all(abs(sum(v * v for v in vec) - 1) < 1e-6 for vec in vectors)
    kind, body = fake.requests[-1]
    assert kind == "embeddings" and body["model"] == "text-embedding-3-small"
    assert body["input"][2] == "rust firmware"


async def test_matching_on_openai_embeddings(openai_api: tuple[FakeOpenAI, Settings],
                                            deps: Deps, users: Users) -> None:
    fake, settings = openai_api
    deps.embedder = build_embedder(settings)
    translator = await users.make("translator")
    await accounts.update_profile(deps, translator.id, {
        "bio": "I translate German manuals into English."})
    coder = await users.make("coder")
    await accounts.update_profile(deps, coder.id, {"bio": "Rust firmware for sensors."})
    owner = await users.make("owner")
    posted = await challenges.post_challenge(deps, owner.id, challenge_data(
        title="Translate a German manual", description="Manual into English.", tags=[],
        milestones=None))
    ranked = await matching.matches_for_challenge(deps, owner.id, posted.id)
    assert [m.user.id for m in ranked][:2] == [translator.id, coder.id]
    assert any(kind == "embeddings" for kind, _ in fake.requests)


async def test_the_chat_model_suggests_metadata(openai_api: tuple[FakeOpenAI, Settings],
                                               deps: Deps, users: Users) -> None:
    fake, settings = openai_api
    deps.chat_model = build_chat_model(settings)
    assert isinstance(deps.chat_model, OpenAIChatModel)
    fake.chat_answer = {"category": "Translation", "tags": ["german", "English", "bad tag!"],
                        "difficulty": "hard"}
    alice = await users.make("alice")
    found = await posting_assist.suggest_metadata(deps, alice.id, {
        "title": "Translate a manual", "description": "German to English, 40 pages."})
    assert (found.category, found.tags, found.difficulty, found.source) == (
        "translation", ["german", "english"], "hard", "model")
    kind, body = fake.requests[-1]
    assert kind == "chat" and body["response_format"] == {"type": "json_object"}
    assert "Translate a manual" in body["messages"][1]["content"]


async def test_a_failing_or_confused_model_falls_back_to_the_heuristic(
        openai_api: tuple[FakeOpenAI, Settings], deps: Deps, users: Users) -> None:
    fake, settings = openai_api
    deps.chat_model = build_chat_model(settings)
    alice = await users.make("alice")
    draft = {"title": "Translate a German manual to English", "description": "Quick job."}
    fake.chat_status = 400
    failed = await posting_assist.suggest_metadata(deps, alice.id, draft)
    assert failed.source == "heuristic" and failed.category == "translation"
    assert {"german", "english"} <= set(failed.tags) and failed.difficulty == "easy"
    fake.chat_status, fake.chat_answer = 200, {"difficulty": "impossible", "tags": "x"}
    confused = await posting_assist.suggest_metadata(deps, alice.id, draft)
    assert confused.source == "model" and confused.difficulty == "easy"
    assert confused.tags == failed.tags


async def test_without_a_key_there_is_no_chat_model_and_the_heuristic_answers(
        deps: Deps, users: Users) -> None:
    assert build_chat_model(Settings(openai_api_key=None)) is None
    alice = await users.make("alice")
    found = await posting_assist.suggest_metadata(deps, alice.id, {
        "title": "Logo for a bakery", "description": "A warm hand-drawn logo, brand colours."})
    assert (found.category, found.source) == ("design", "heuristic") and "logo" in found.tags
