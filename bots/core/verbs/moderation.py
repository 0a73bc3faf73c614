"""Moderator commands. Whether the caller may is the domain's decision alone."""

from __future__ import annotations

from bots.core.caller import Caller
from bots.core.grammar import UsageError
from bots.core.results import Reply
from bots.core.rich import bold, code, lines, rich
from domain.services import escrow_reconciliation, moderation

REPORTS_SHOWN = 20
FLAGS_SHOWN = 15


async def ban(caller: Caller, user_id: str, reason: str = "") -> Reply:
    if not user_id:
        raise UsageError("ban", "Name the user: their user ID, or reply to their message.")
    banned = await moderation.ban(caller.deps, caller.user.id, user_id,
                                  {"reason": reason} if reason else {})
    return Reply(rich(f"🚫 {banned.display_name} is banned ({banned.ban_reason or ''})."))


async def unban(caller: Caller, user_id: str) -> Reply:
    if not user_id:
        raise UsageError("unban", "Name the user: their user ID, or reply to their message.")
    unbanned = await moderation.unban(caller.deps, caller.user.id, user_id)
    return Reply(rich(f"✅ {unbanned.display_name} may act again."))


async def remove(caller: Caller, challenge_id: str, reason: str = "") -> Reply:
    if not challenge_id:
        raise UsageError("remove", "The challenge ID is missing.")
    removed = await moderation.remove_challenge(caller.deps, caller.user.id, challenge_id,
                                                reason or "removed by a moderator")
    return Reply(rich(f"⛔ “{removed.title}” was removed."))


async def reports(caller: Caller) -> Reply:
    found = await moderation.list_reports(caller.user.id)
    if not found:
        return Reply(rich("No open reports."))
    entries = [rich(f"• {r.target_type} ", code(r.target_id), f": {r.reason[:200]} (report ",
                    code(r.id), ")") for r in found[:REPORTS_SHOWN]]
    return Reply(lines(bold(f"Open reports ({len(found)})"), *entries))


async def money_flags(caller: Caller) -> Reply:
    """What reconciliation and recovery left for a human (``GET /mod/reconciliation``):
    ledger/gateway mismatches, stuck decisions, unexpected payments, late movements."""
    found = await escrow_reconciliation.money_flags(caller.user.id)
    if not found:
        return Reply(rich("No open money flags: the ledger and the gateway agree."))
    entries = [rich(f"• {f.kind.replace('_', ' ')}: {f.message[:300]}\n  challenge ",
                    code(f.challenge_id), ", escrow ", code(f.escrow_id),
                    f", last seen {f.last_seen_at:%Y-%m-%d %H:%M} UTC")
               for f in found[:FLAGS_SHOWN]]
    more = (f"\n… and {len(found) - FLAGS_SHOWN} more (GET /mod/reconciliation lists all)."
            if len(found) > FLAGS_SHOWN else "")
    return Reply(lines(bold(f"Open money flags ({len(found)})"), *entries, more))
