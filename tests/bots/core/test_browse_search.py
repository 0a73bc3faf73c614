"""Listing from a chat searches through the search port, as ``GET /challenges?q=`` does:
a typo still finds the challenge, and a prefix does too."""

from __future__ import annotations

from bots.core.rich import plain
from bots.core.verbs import browse, posting
from tests.bots.core.conftest import Chat
from tests.conftest import challenge_data


async def test_a_typo_finds_the_challenge(chat: Chat) -> None:
    wren = await chat.person("w1", "Wren")
    await posting.post(wren, challenge_data(title="Build a widget factory", milestones=None))
    await posting.post(wren, challenge_data(title="Paint the fence",
                                            description="Two coats, white.", milestones=None))
    found = plain((await browse.list_open(wren, "widgit")).body)
    assert "Build a widget factory" in found and "Paint the fence" not in found
    assert "Paint the fence" in plain((await browse.list_open(wren, "fen")).body)
    nothing = plain((await browse.list_open(wren, "zeppelin")).body)
    assert nothing.startswith("No open challenges match")
