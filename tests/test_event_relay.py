"""Domain events across processes through a real Redis: two buses stand for two processes."""

from __future__ import annotations

import asyncio

from domain.adapters.event_relay import decode, encode, relayed_events
from domain.events import ChallengePosted, ChallengeUpdated, EscrowChanged, EventBus


async def test_events_reach_remote_handlers_in_order_and_only_them(redis_url: str) -> None:
    serve_bus, bot_bus = EventBus(), EventBus()
    remote_seen: list[object] = []
    local_only_seen: list[object] = []

    async def remote_handler(event: object) -> None:
        remote_seen.append(event)

    async def local_only_handler(event: object) -> None:
        local_only_seen.append(event)

    bot_bus.subscribe(ChallengePosted, remote_handler, remote=True)
    bot_bus.subscribe(ChallengeUpdated, remote_handler, remote=True)
    bot_bus.subscribe(EscrowChanged, remote_handler, remote=True)
    bot_bus.subscribe(ChallengePosted, local_only_handler)
    sent = [ChallengePosted(challenge_id="c1"), ChallengeUpdated(challenge_id="c1", state="open"),
            EscrowChanged(escrow_id="e1", challenge_id="c1", state="funded",
                          participant_ids=("u1", "u2"), change="funded"),
            ChallengeUpdated(challenge_id="c1", state="in_progress")]
    async with relayed_events(bot_bus, redis_url, listen=True):
        await asyncio.sleep(0.2)  # the listener has subscribed
        async with relayed_events(serve_bus, redis_url):
            for event in sent:
                await serve_bus.publish(event)
        for _ in range(100):
            if len(remote_seen) == len(sent):
                break
            await asyncio.sleep(0.02)
        assert remote_seen == sent  # same order, tuples intact
        assert local_only_seen == []  # a local-only handler never hears other processes
        # The bot's own events run its handlers once, locally, and are not handed back to it.
        own = ChallengePosted(challenge_id="from-the-bot")
        await bot_bus.publish(own)
        await asyncio.sleep(0.2)
    assert remote_seen == [*sent, own]
    assert local_only_seen == [own]


async def test_a_relay_without_redis_loses_only_the_relay() -> None:
    bus = EventBus()
    seen: list[object] = []

    async def handler(event: object) -> None:
        seen.append(event)

    bus.subscribe(ChallengePosted, handler)
    async with relayed_events(bus, "redis://127.0.0.1:1/0"):  # nothing listens there
        await bus.publish(ChallengePosted(challenge_id="c1"))
    assert seen == [ChallengePosted(challenge_id="c1")]


def test_decode_refuses_what_is_not_an_event() -> None:
    assert decode(b"not json") is None
    assert decode(b'{"type": "Nope", "origin": "x", "data": {}}') is None
    assert decode(b'{"type": "ChallengePosted", "origin": "x", "data": {"bad": 1}}') is None
    origin, event = decode(encode(ChallengePosted(challenge_id="c"), "me"))
    assert origin == "me" and event == ChallengePosted(challenge_id="c")
