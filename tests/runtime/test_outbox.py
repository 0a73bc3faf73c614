"""Events published while Redis (the durable log) is away are kept in the document store's
outbox, in order, and relayed when it is back; the services that published never fail."""

from __future__ import annotations

from typing import Any

import pytest

from domain.adapters.redis_log import RedisLog
from domain.events import ChallengeUpdated
from domain.jobs import EVENTS, EventLogWriter
from domain.models.outbox import OutboxEntry
from tests.redis_server import PrivateRedis, redis_server_binary

pytestmark = pytest.mark.skipif(redis_server_binary() is None, reason="needs redis-server")


def published(n: int) -> ChallengeUpdated:
    return ChallengeUpdated(challenge_id=f"c{n}", state="open")


async def test_events_wait_in_the_outbox_while_redis_is_down(storage: Any) -> None:
    redis = PrivateRedis()
    log = RedisLog(redis.url, prefix="outbox-test")
    writer = EventLogWriter(log)
    try:
        await writer.append(published(1))
        assert await OutboxEntry.find({}).count() == 0
        redis.stop()
        await writer.append(published(2))  # no exception reaches the publisher
        await writer.append(published(3))
        assert await OutboxEntry.find({}).count() == 2
        redis.restart()  # on the same port, empty (no persistence in this test)
        await log.ensure_group(EVENTS, "reader")  # a consumer group reads what comes next
        # Still to the outbox until the relay has run: the log must see 2 and 3 before 4.
        await writer.append(published(4))
        assert await writer.relay() == 3
        await writer.append(published(5))
        assert await OutboxEntry.find({}).count() == 0
        entries = await log.read(EVENTS, "reader", "r1", count=50, block_ms=100, lease=60)
        assert [e.record["data"]["challenge_id"] for e in entries] == ["c2", "c3", "c4", "c5"]
    finally:
        await log.close()
        redis.stop()
