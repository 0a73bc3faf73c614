"""/challenges WORDS searches through the search port (typo tolerant), as the web does."""

from __future__ import annotations

from domain.services import challenges
from tests.bots.telegram.conftest import Telegram
from tests.conftest import challenge_data


async def test_challenges_with_a_typo_finds_the_widget(telegram: Telegram, users, deps) -> None:
    owner = await users.make("owner")
    widget = await challenges.post_challenge(deps, owner.id, challenge_data(
        title="Build a widget factory", milestones=None))
    await challenges.post_challenge(deps, owner.id, challenge_data(
        title="Paint the fence", description="Two coats, white.", milestones=None))
    ida = telegram.person(5001, "Ida")
    answer = await ida.send("/challenges widgit")
    assert answer is not None
    assert "Build a widget factory" in answer.text and "Paint the fence" not in answer.text
    # Its numbered button opens the challenge found.
    assert [b["callback_data"] for b in answer.buttons()] == [f"ch:view:{widget.id}"]
