"""Domain events across processes, over Redis pub/sub.

Every process that changes state publishes its events on one channel; a process that delivers
things on its own (a Telegram bot run by `openchance bot telegram`) listens, and hands events
from other processes to the handlers that subscribed with ``remote=True``. Publishing goes
through one queue and one task so events leave in the order they happened, and a Redis outage
only loses the relay (logged), never the state change that was already stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import uuid
from collections.abc import AsyncIterator

import orjson
import redis.asyncio as redis

from domain import events
from domain.events import Event, EventBus

log = logging.getLogger(__name__)
CHANNEL = "openchance-domain-events"
EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls for cls in vars(events).values()
    if isinstance(cls, type) and issubclass(cls, Event) and cls is not Event
}


def encode(event: Event, origin: str) -> bytes:
    return orjson.dumps({"type": type(event).__name__, "origin": origin,
                         "data": dataclasses.asdict(event)})


def decode(raw: bytes | str) -> tuple[str, Event] | None:
    """(origin, event), or None for anything that is not one of our events."""
    try:
        message = orjson.loads(raw)
        cls = EVENT_TYPES[message["type"]]
        # JSON has no tuples; every sequence field of an event is a tuple.
        data = {k: tuple(v) if isinstance(v, list) else v for k, v in message["data"].items()}
        return str(message["origin"]), cls(**data)
    except (orjson.JSONDecodeError, KeyError, TypeError) as exc:
        log.warning("ignored a relayed event that does not parse: %s", exc)
        return None


class RedisEventRelay:
    def __init__(self, redis_url: str) -> None:
        self.origin = uuid.uuid4().hex
        self._redis = redis.from_url(redis_url)
        self._outgoing: asyncio.Queue[Event] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    def publish_from(self, bus: EventBus) -> None:
        """Relay every event published on ``bus`` (call inside the running loop)."""
        async def enqueue(event: Event) -> None:
            self._outgoing.put_nowait(event)

        bus.subscribe(Event, enqueue)
        self._tasks.append(asyncio.create_task(self._send()))

    async def _send(self) -> None:
        while True:
            event = await self._outgoing.get()
            try:
                await self._redis.publish(CHANNEL, encode(event, self.origin))
            except (redis.RedisError, OSError) as exc:
                log.warning("event relay: %s not sent (%s)", type(event).__name__, exc)
            finally:
                self._outgoing.task_done()

    def deliver_to(self, bus: EventBus) -> asyncio.Task[None]:
        """Hand events from other processes to ``bus``'s remote handlers."""
        task = asyncio.create_task(self._listen(bus))
        self._tasks.append(task)
        return task

    async def _listen(self, bus: EventBus) -> None:
        while True:
            try:
                async with self._redis.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    async for message in pubsub.listen():
                        if message.get("type") != "message":
                            continue
                        decoded = decode(message["data"])
                        if decoded is not None and decoded[0] != self.origin:
                            await bus.deliver_remote(decoded[1])
            except (redis.RedisError, OSError) as exc:
                log.warning("event relay: listening failed (%s); retrying", exc)
                await asyncio.sleep(1)

    async def flush(self) -> None:
        """Wait until every queued event was sent (or failed to be)."""
        await self._outgoing.join()

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._redis.aclose()


@contextlib.asynccontextmanager
async def relayed_events(bus: EventBus, redis_url: str, *, listen: bool = False
                         ) -> AsyncIterator[RedisEventRelay]:
    """Relay ``bus``'s events out for the lifetime of the block (and, with ``listen``, hand
    other processes' events to its remote handlers)."""
    relay = RedisEventRelay(redis_url)
    relay.publish_from(bus)
    if listen:
        relay.deliver_to(bus)
    try:
        yield relay
    finally:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(relay.flush(), 2)
        await relay.close()
