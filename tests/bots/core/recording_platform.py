"""A ChatPlatform that records what the core asked of it (the convention for fakes of an
external service: a subclass of the port with state a test can assert on)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bots.core.results import Card, Place, Reply
from bots.core.rich import plain
from domain.models.users import Platform


@dataclass
class RecordingPlatform:
    platform: Platform = Platform.DISCORD
    commands: dict[str, str] = field(default_factory=lambda: {
        "list": "/challenge list", "my": "/my", "submit": "/escrow submit id:{id}",
        "release": "/escrow release id:{id}", "fund": "/escrow fund id:{id}",
        "mymatches": "/challenge mymatches", "alerts": "/alerts on:"})
    how_to_answer: str = "Press Reply to answer."
    admins: set[tuple[str, str]] = field(default_factory=set)  # (place id, person id)
    unreachable: set[str] = field(default_factory=set)
    dms: list[tuple[str, Reply]] = field(default_factory=list)
    cards: dict[tuple[str, str], Card] = field(default_factory=dict)  # (community, ref)
    edits: list[tuple[str, str, Card]] = field(default_factory=list)
    _refs: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send_dm(self, user_external_id: str, reply: Reply) -> str | None:
        if user_external_id in self.unreachable:
            return None
        self.dms.append((user_external_id, reply))
        return str(next(self._refs))

    async def post_card(self, community_external_id: str, card: Card) -> str | None:
        if community_external_id in self.unreachable:
            return None
        ref = str(next(self._refs))
        self.cards[(community_external_id, ref)] = card
        return ref

    async def edit_card(self, community_external_id: str, message_ref: str,
                        card: Card) -> None:
        self.edits.append((community_external_id, message_ref, card))
        self.cards[(community_external_id, message_ref)] = card

    async def is_chat_admin(self, place: Place, user_external_id: str) -> bool:
        return (place.external_id, user_external_id) in self.admins

    def dm_texts(self, person: str) -> list[str]:
        return [plain(reply.body) for to, reply in self.dms if to == person]
