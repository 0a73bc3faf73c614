"""Two nodes sharing one platform's deliveries (say two `serve` nodes in Slack's HTTP mode):
an edit that lands after a newer one is done again, so the card ends on the newest state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from bots.core.delivery import Delivery
from bots.core.results import Card, Place
from bots.core.verbs import communities, posting
from domain.services import challenges
from tests.bots.core.conftest import Chat
from tests.bots.core.recording_platform import RecordingPlatform
from tests.conftest import challenge_data

CHANNEL = Place("901", "#bounties", private=False, server_id="90")


@dataclass
class SlowNode:
    """Node A's view of the shared platform: its first edit stalls until released."""

    shared: RecordingPlatform
    release: asyncio.Event = field(default_factory=asyncio.Event)
    stalled: asyncio.Event = field(default_factory=asyncio.Event)
    stalls_left: int = 1

    def __getattr__(self, name: str) -> object:
        return getattr(self.shared, name)

    async def edit_card(self, community_external_id: str, message_ref: str,
                        card: Card) -> None:
        if self.stalls_left:
            self.stalls_left -= 1
            self.stalled.set()
            await self.release.wait()
        await self.shared.edit_card(community_external_id, message_ref, card)


async def test_a_late_edit_from_one_node_is_redone_with_the_newest_state(
        chat: Chat, deps) -> None:
    owner = await chat.person("own", "Owner")
    chat.platform.admins.add(("901", "own"))
    await communities.announcements(owner, chat.platform, CHANNEL, on=True)
    challenge_id = (await posting.post(owner, challenge_data(title="First title"))).card \
        .challenge_id
    await chat.settle()
    assert [c.title for c in chat.platform.cards.values()] == ["First title"]
    node_a = SlowNode(chat.platform)
    node_b = Delivery(chat.platform)

    # Node A reads the challenge and stalls in its edit; meanwhile it changes and node B
    # shows the new state; then A's stale edit lands.
    await challenges.edit_challenge(deps, owner.user.id, challenge_id, {"title": "Second"})
    late = asyncio.create_task(Delivery(node_a).refresh_cards(challenge_id))  # type: ignore[arg-type]
    await asyncio.wait_for(node_a.stalled.wait(), 5)
    await challenges.edit_challenge(deps, owner.user.id, challenge_id, {"title": "Third"})
    await node_b.refresh_cards(challenge_id)
    assert [c.title for c in chat.platform.cards.values()] == ["Third"]
    node_a.release.set()
    await late
    titles = [card.title for _, _, card in chat.platform.edits]
    assert titles[-2:] == ["Second", "Third"]  # the late one, then done again
    assert [c.title for c in chat.platform.cards.values()] == ["Third"]
