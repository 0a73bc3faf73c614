"""What reaches a chat platform without being asked: DMs for notifications and chat
messages (to every account the recipient tied to that platform, when their notification
preferences want that kind there; a DM that arrived is not mailed again by the offline
digest), and challenge cards in the communities that opted in, edited in place when the
challenge changes. Written once here; each platform only implements ``ChatPlatform``.

``Delivery.handle(event, key)`` takes one event (what a durable queue's consumer calls); until
that queue runs deliveries, ``subscribe`` hears the domain's EventBus and runs each delivery
in the background (``spawn``). An event may be handled twice after a crash: a card already
recorded for a community is not posted again."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Coroutine
from typing import Any

from bots.core.platform import ChatPlatform
from bots.core.presenters import card, message_dm, notification_dm, removed_card
from bots.core.results import Reply
from domain.errors import NotFound
from domain.events import (
    ChallengePosted,
    ChallengeUpdated,
    Event,
    EventBus,
    MessageSent,
    NotificationCreated,
)
from domain.models.challenges import Application, ChallengeState
from domain.services import (
    accounts,
    announcements,
    applications,
    conversations,
    notification_preferences,
    notifications,
    offline_delivery,
    receipts,
)
from domain.services.notification_preferences import MESSAGE

log = logging.getLogger(__name__)
Spawn = Callable[[Coroutine[Any, Any, Any]], None]
# Edit rounds of one refresh at most (each shows a newer state than the one before).
MAX_CARD_ROUNDS = 5


class Delivery:
    def __init__(self, platform: ChatPlatform) -> None:
        self.platform = platform
        # Edits of one challenge's cards run one at a time, each reading the newest state, so
        # a slow older edit can never overwrite a newer card.
        self._card_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def handle(self, event: Event, key: str = "") -> None:
        """One event, whichever way it arrived (``key``: its id in a durable log)."""
        if isinstance(event, NotificationCreated):
            await self.notify(event.user_id, event.notification_id)
        elif isinstance(event, MessageSent):
            await self.relay_message(event)
        elif isinstance(event, ChallengePosted):
            await self.announce(event.challenge_id)
        elif isinstance(event, ChallengeUpdated):
            await self.refresh_cards(event.challenge_id)

    async def accounts_of(self, user_id: str) -> list[str]:
        """The recipient's accounts on this platform (one user may have tied several)."""
        return [i.external_id for i in await accounts.identities_of(user_id)
                if i.platform == self.platform.platform]

    async def notify(self, user_id: str, notification_id: str) -> None:
        people = await self.accounts_of(user_id)
        if not people:
            return
        try:
            note = await notifications.notification_for(user_id, notification_id)
        except NotFound:
            return  # deleted since (the account went away)
        channel = self.platform.platform.value
        if not await notification_preferences.wants(user_id, note.kind, channel):
            return
        application: Application | None = None
        if note.kind == "application.received":
            found = [a for a in await applications.list_applications(
                user_id, str(note.data.get("challenge_id"))) if a.id == note.data.get(
                "application_id")]
            application = found[0] if found else None
        reply = notification_dm(note.kind, note.text, note.data, self.platform.commands,
                                application)
        await self._dm(user_id, people, reply, f"notification:{notification_id}")

    async def _dm(self, user_id: str, people: list[str], reply: Reply, ref: str) -> None:
        """DM each account once: a durable log may hand the same event over again (after a
        crash), and the receipt, written right after the send, says it already went out."""
        reached = []
        for person in people:
            receipt = f"{self.platform.platform.value}:{ref}:{person}"
            if await receipts.delivered(receipt):
                reached.append("before")
                continue
            sent = await self.platform.send_dm(person, reply)
            await receipts.mark_delivered(receipt)
            reached.append(sent)
        if any(sent is not None for sent in reached):
            # Reached here: the offline digest does not mail it as well.
            await offline_delivery.mark_reached(user_id, ref, self.platform.platform.value)

    async def relay_message(self, event: MessageSent) -> None:
        sender = None
        for user_id in event.participant_ids:
            if user_id == event.sender_id:
                continue
            people = await self.accounts_of(user_id)
            if not people or not await notification_preferences.wants(
                    user_id, MESSAGE, self.platform.platform.value):
                continue
            body = await self._body_of(user_id, event)
            if sender is None:
                sender = event.sender_name or (
                    await accounts.public_profile(event.sender_id))[0].display_name
            reply = message_dm(sender, body, event.conversation_id,
                               self.platform.how_to_answer)
            await self._dm(user_id, people, reply, f"message:{event.message_id}")

    @staticmethod
    async def _body_of(user_id: str, event: MessageSent) -> str:
        """The event carries the rendered message; an older one (written before it did) is
        read back, as its recipient may."""
        if event.message is not None and isinstance(event.message.get("body"), str):
            return str(event.message["body"])
        found = await conversations.history(user_id, event.conversation_id,
                                            after_seq=event.seq - 1, limit=1)
        return found[0].body if found else ""

    async def announce(self, challenge_id: str) -> None:
        async with self._card_locks[challenge_id]:
            challenge, audience = await announcements.audiences(self.platform.platform,
                                                                challenge_id)
            posted = {a.community_external_id for a in await announcements.of_challenge(
                self.platform.platform, challenge_id)}
            shown = card(challenge, in_community=True)
            for community in (c for c in audience if c.external_id not in posted):
                ref = await self.platform.post_card(community.external_id, shown)
                if ref is not None:
                    await announcements.record(self.platform.platform, community.external_id,
                                               challenge.id, ref)

    async def refresh_cards(self, challenge_id: str) -> None:
        """Show the challenge's newest state on its cards. Within a process the lock orders
        the edits; across nodes sharing this platform's deliveries, an edit that turns out to
        have been overtaken (another node marked a newer version meanwhile, and its edit may
        have landed first) is done again with the newest state."""
        async with self._card_locks[challenge_id]:
            for _ in range(MAX_CARD_ROUNDS):
                if not await self._show_newest(challenge_id):
                    return

    async def _show_newest(self, challenge_id: str) -> bool:
        """One round of edits; True when a newer version was marked while it ran."""
        platform = self.platform.platform
        posted = await announcements.of_challenge(platform, challenge_id)
        if not posted:
            return False
        try:
            challenge, _ = await announcements.audiences(platform, challenge_id)
        except NotFound:
            challenge = None
        if challenge is None or challenge.state == ChallengeState.REMOVED:
            for entry in posted:
                await self.platform.edit_card(entry.community_external_id, entry.message_ref,
                                              removed_card(challenge_id))
            return False
        version = challenge.updated_at
        await announcements.mark_shown(platform, challenge_id, version)
        shown = card(challenge, in_community=True)
        for entry in posted:
            await self.platform.edit_card(entry.community_external_id, entry.message_ref,
                                          shown)
        newest = await announcements.newest_shown(platform, challenge_id)
        return newest is not None and newest > version


def subscribe(bus: EventBus, delivery: Delivery, spawn: Spawn) -> None:
    """Deliveries of this process's own events, in the background (no durable log): the
    core's own tests. Platforms consume their group of the event log instead."""

    async def on_event(event: Event) -> None:
        spawn(delivery.handle(event))

    for kind in (NotificationCreated, MessageSent, ChallengePosted, ChallengeUpdated):
        bus.subscribe(kind, on_event)
