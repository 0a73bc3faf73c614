"""``openchance admin grant|revoke ROLE EMAIL``: the operator changes a role from the console
(the first admin is made this way). Audited with the actor ``console``."""

from __future__ import annotations

import argparse
import asyncio
import sys

from domain.errors import DomainError
from domain.storage import close_storage, open_storage
from openchance.settings import Settings

ROLES = ("moderator", "admin")


def add_admin_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    admin = commands.add_parser("admin", help="grant or revoke a role (moderator, admin)")
    admin.add_argument("action", choices=["grant", "revoke"])
    admin.add_argument("role", choices=ROLES)
    admin.add_argument("email")
    admin.set_defaults(run=lambda args: asyncio.run(run_admin(args.action, args.role,
                                                              args.email, Settings())))


async def run_admin(action: str, role: str, email: str, settings: Settings) -> int:
    from domain.services import roles

    if not settings.mongodb_url:
        print("admin changes the MongoDB that MONGODB_URL names; it is unset (the embedded "
              "store lives inside `openchance serve` and is gone when it stops).",
              file=sys.stderr)
        return 2
    client = await open_storage(settings.mongodb_url, settings.mongodb_database)
    try:
        change = roles.grant if action == "grant" else roles.revoke
        user = await change(role, email)
    except DomainError as exc:
        print(f"openchance admin: {exc.message}", file=sys.stderr)
        return 1
    finally:
        await close_storage(client)
    print(f"{email} is now {user.role} (user {user.id}).")
    return 0
