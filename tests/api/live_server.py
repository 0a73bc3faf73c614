"""The whole app served on a real port from a background thread (for clients that block)."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from aiohttp import web

from domain.models.users import Role, User
from domain.services import accounts
from domain.services.common import update_where
from domain.storage import close_storage, open_storage
from openchance.bootstrap import build_deps
from openchance.serve import create_app
from openchance.settings import Settings
from realtime.api.middlewares import API_LIMITS
from tests.api.conftest import PASSWORD, RELAXED_LIMITS


@dataclass
class LiveServer:
    base_url: str
    loop: asyncio.AbstractEventLoop
    tokens: dict[str, str] = field(default_factory=dict)

    def run(self, coro):  # type: ignore[no-untyped-def]
        """Run ``coro`` on the server's loop (where the store lives) and wait for it."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=30)


async def _start(ready: threading.Event, holder: dict, stop: asyncio.Event) -> None:
    url = os.environ.get("MONGODB_URL")
    db_name = f"openchance_fuzz_{uuid.uuid4().hex[:10]}"
    storage = await open_storage(url, db_name)
    settings = Settings(_env_file=None, redis_url=None)
    deps = build_deps(settings)
    app = create_app(settings, deps=deps, storage=storage)
    app[API_LIMITS] = RELAXED_LIMITS
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    tokens = {}
    for name, role in (("member", Role.MEMBER), ("moderator", Role.MODERATOR)):
        token, user = await accounts.register(deps, {
            "email": f"{name}-{uuid.uuid4().hex[:6]}@example.org", "password": PASSWORD,
            "display_name": name})
        await update_where(User, {"_id": user.id}, {"$set": {"role": role}})
        tokens[name] = token
    holder["server"] = LiveServer(f"http://127.0.0.1:{port}", asyncio.get_running_loop(), tokens)
    ready.set()
    await stop.wait()
    await runner.cleanup()
    if url:
        await storage.drop_database(db_name)
    await close_storage(storage)


@contextmanager
def live_server() -> Iterator[LiveServer]:
    ready = threading.Event()
    holder: dict = {}
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    thread = threading.Thread(target=loop.run_until_complete,
                              args=(_start(ready, holder, stop),), daemon=True)
    thread.start()
    if not ready.wait(timeout=30):
        raise RuntimeError("the API server did not start")
    try:
        yield holder["server"]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=30)
        loop.close()
