"""Greeting, and tying chat accounts together: a code issued on one surface (the web, or any
chat with a bare link command) and redeemed on another makes both act as one user, with one
reputation, inbox and conversation list."""

from __future__ import annotations

from bots.core.caller import Caller
from bots.core.results import Reply
from bots.core.rich import bold, code, rich
from domain.services import accounts
from domain.services.common import load_actor


def greet(caller: Caller) -> Reply:
    return Reply(rich(f"Hello, {caller.user.display_name}! You have an OpenChance account "
                      f"tied to this {caller.platform.title()} account. Already have one on "
                      f"the web or another chat? Use {caller.command('link')}."))


async def link(caller: Caller, code_text: str) -> Reply:
    """With a code: tie this chat account to the account that issued it. Without one: issue
    a code for tying another chat account to this one's account."""
    if not code_text.strip():
        return await link_code(caller)
    user = await accounts.redeem_link_code(caller.deps, caller.platform, caller.external_id,
                                           code_text.strip())
    return Reply(rich(f"🔗 Linked. This {caller.platform.title()} account now acts as ",
                      bold(user.display_name), "."))


async def link_code(caller: Caller) -> Reply:
    await load_actor(caller.user.id)
    issued = await accounts.create_link_code(caller.deps, caller.user.id)
    return Reply(rich("Your link code: ", code(issued), ". Send it with the link command to "
                      "the OpenChance bot on your other chat within 15 minutes; both accounts "
                      "then act as ", bold(caller.user.display_name), "."))
