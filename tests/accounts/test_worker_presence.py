"""The worker (its own process in production) mails digests: it must see who is online on
the realtime nodes, through Redis, and leave them be."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import workers
from domain.adapters.ephemeral import RedisEphemeralStore
from domain.deps import Deps
from domain.models.common import utcnow
from domain.models.users import User
from domain.services import notifications
from domain.services.common import update_where
from domain.services.offline_delivery import SEEN_WITHIN, deliver_due_digests
from openchance.runtime import runtime
from tests.accounts.smtp_server import Mailbox
from tests.conftest import Users
from tests.runtime.conftest import isolated_settings


async def test_the_worker_skips_people_online_on_a_realtime_node(
        storage: Any, smtp_deps: Deps, users: Users, redis_url: str, mailbox: Mailbox) -> None:
    online, away = await users.make("onna"), await users.make("awaya")
    for user in (online, away):
        await update_where(User, {"_id": user.id}, {"$set": {"email_verified": True}})
        await notifications.notify(smtp_deps, user.id, "escrow.funded", "Funded.", {})
    node = RedisEphemeralStore(redis_url)  # what a realtime node writes for a live socket
    await node.add_socket(online.id, f"node-{uuid.uuid4().hex}:sid")
    try:
        async with runtime(isolated_settings(redis_url), "worker", storage=storage,
                           deps=smtp_deps,
                           setup=lambda rt: workers.setup(rt, schedule=False)) as rt:
            assert rt.deps.presence is not None
            later = utcnow() + SEEN_WITHIN + timedelta(seconds=1)
            assert await deliver_due_digests(rt.deps, later) == 1
    finally:
        await node.close()
    def digests(user: User) -> list[str]:
        return [m.subject for m in mailbox.to(user.email or "") if "new on" in m.subject]

    assert digests(away) == ["1 new on OpenChance while you were away"]
    assert digests(online) == []
