"""``openchance reindex``: rebuilds the index with a progress bar; refuses without a store."""

from __future__ import annotations

import io

import pytest

from domain.deps import Deps
from domain.models.matching import MatchVector
from openchance.cli import main
from openchance.reindex import ProgressBar, reindex_with
from tests.conftest import Users, challenge_data


async def test_reindex_rebuilds_with_progress_and_vectors(deps: Deps, users: Users) -> None:
    from domain.services import challenges

    alice = await users.make("alice")
    for n in range(3):
        await challenges.post_challenge(deps, alice.id, challenge_data(
            title=f"Widget {n}", milestones=None))
    assert deps.search is not None
    await deps.search.clear()
    out = io.StringIO()
    assert await reindex_with(deps, vectors=True, out=out) == 3
    text = out.getvalue()
    assert "indexing [" in text and "3/3 100%" in text
    assert "3 challenges indexed; the embedded index holds 3." in text
    assert "3 open challenges have current vectors." in text
    assert await MatchVector.find({"kind": "challenge"}).count() == 3
    out = io.StringIO()
    assert await reindex_with(deps, changed_only=True, out=out) == 3  # all in the last second
    assert "catching up [" in out.getvalue()


def test_the_bar_draws_in_place_on_a_terminal() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()
    bar = ProgressBar("indexing", out)
    bar(5, 10)
    bar(10, 10)
    bar.finish()
    assert out.getvalue().startswith("\rindexing [###############...............] 5/10  50%")
    assert out.getvalue().endswith("100%" + out.getvalue().split("100%")[-1])
    assert out.getvalue().count("\r") == 2 and out.getvalue().endswith("\n")


def test_reindex_without_a_store_says_why(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("MONGODB_URL", raising=False)
    assert main(["reindex"]) == 2
    assert "MONGODB_URL" in capsys.readouterr().err
