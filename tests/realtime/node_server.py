"""One realtime node for the two-node test, as its own process.

``python -m tests.realtime.node_server PORT SEED_JSON``: the real app (create_app, so REDIS_URL
and MONGODB_URL come from the environment) on 127.0.0.1:PORT, with known users, tokens and a
conversation seeded at start. With the in-memory store each node has its own copy of the same
seed; with MONGODB_URL both share it (seeding is idempotent).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pymongo.errors import DuplicateKeyError

from domain.models.chat import Conversation, ConversationKind
from domain.models.users import AuthToken, User
from openchance.serve import create_app
from openchance.settings import Settings
from realtime.sockets import SOCKETS


async def _insert(document: Any) -> None:
    try:
        await document.insert()
    except DuplicateKeyError:
        pass  # the other node seeded it first (shared MongoDB)


def seeding(seed: dict[str, Any]) -> Callable[[web.Application], Awaitable[None]]:
    async def seed_data(app: web.Application) -> None:
        for name, person in seed["people"].items():
            await _insert(User(id=person["id"], display_name=name))
            await _insert(AuthToken(id=f"tok-{person['id']}", user_id=person["id"],
                                    token_hash=hashlib.sha256(person["token"].encode())
                                    .hexdigest()))
        members = sorted(p["id"] for p in seed["people"].values())
        await _insert(Conversation(id=seed["conversation_id"], kind=ConversationKind.DIRECT,
                                   key=f"direct:{members[0]}:{members[1]}",
                                   participant_ids=members))
    return seed_data


def main() -> None:
    port, seed = int(sys.argv[1]), json.loads(sys.argv[2])
    app = create_app(Settings())
    options = app[SOCKETS].options
    options.presence_grace, options.typing_ttl = 0.5, 1.0
    app.on_startup.append(seeding(seed))
    web.run_app(app, host="127.0.0.1", port=port, print=None, shutdown_timeout=1)


if __name__ == "__main__":
    main()
