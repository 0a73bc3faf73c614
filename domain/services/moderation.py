"""Moderation: reports from users; bans, unbans and removals by moderators, each audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import Conflict, Forbidden, ValidationFailed
from domain.events import UserBanned
from domain.models.challenges import Challenge, ChallengeState
from domain.models.social import Report, ReportState
from domain.models.users import Role, User
from domain.services import challenges as challenge_service
from domain.services.common import (
    get_or_404,
    load_actor,
    parse,
    require_moderator,
    update_where,
)
from domain.services.inputs import BanInput, ReportInput
from domain.services.moderation_log import audit


async def report(deps: Deps, actor_id: str, data: Mapping[str, Any]) -> Report:
    actor = await load_actor(actor_id)
    form = parse(ReportInput, data)
    key = f"{actor.id}|{form.target_type}|{form.target_id}"
    entry = Report(reporter_id=actor.id, target_type=form.target_type,
                   target_id=form.target_id, reason=form.reason, dedup_key=key)
    try:
        await entry.insert()
    except DuplicateKeyError:
        # Reported already and still open: the same report again (a burst stores one).
        existing = await Report.find_one({"dedup_key": key})
        if existing is None:  # resolved in between: this is a new report after all
            return await report(deps, actor_id, data)
        return existing
    return entry


async def list_reports(actor_id: str, state: str = "open") -> list[Report]:
    await require_moderator(actor_id)
    if state not in {s.value for s in ReportState}:
        raise ValidationFailed("state must be open or resolved")
    return await Report.find({"state": state}).sort("-created_at").limit(200).to_list()


async def resolve_report(deps: Deps, actor_id: str, report_id: str) -> Report:
    moderator = await require_moderator(actor_id)
    resolved = await update_where(Report, {"_id": report_id, "state": ReportState.OPEN},
                                  {"$set": {"state": ReportState.RESOLVED,
                                            "dedup_key": f"resolved:{report_id}"}})
    if resolved is None:
        await get_or_404(Report, report_id, "report")
        raise Conflict("this report is already resolved")
    await audit(moderator.id, "report.resolve", "report", report_id)
    return resolved


async def ban(deps: Deps, actor_id: str, user_id: str,
              data: Mapping[str, Any] | None = None) -> User:
    moderator = await require_moderator(actor_id)
    form = parse(BanInput, data or {})
    target = await get_or_404(User, user_id, "user")
    if target.id == moderator.id:
        raise Forbidden("you cannot ban yourself")
    if target.role == Role.ADMIN or (target.is_moderator and moderator.role != Role.ADMIN):
        raise Forbidden("only an admin can ban a moderator, and nobody can ban an admin")
    banned = await update_where(User, {"_id": target.id, "banned": False},
                                {"$set": {"banned": True, "ban_reason": form.reason}})
    if banned is None:
        raise Conflict("this user is already banned")
    await audit(moderator.id, "user.ban", "user", target.id, {"reason": form.reason})
    await deps.bus.publish(UserBanned(user_id=target.id, banned=True))
    return banned


async def unban(deps: Deps, actor_id: str, user_id: str) -> User:
    moderator = await require_moderator(actor_id)
    await get_or_404(User, user_id, "user")
    unbanned = await update_where(User, {"_id": user_id, "banned": True},
                                  {"$set": {"banned": False, "ban_reason": None}})
    if unbanned is None:
        raise Conflict("this user is not banned")
    await audit(moderator.id, "user.unban", "user", user_id)
    await deps.bus.publish(UserBanned(user_id=user_id, banned=False))
    return unbanned


async def remove_challenge(deps: Deps, actor_id: str, challenge_id: str,
                           reason: str = "removed by a moderator") -> Challenge:
    moderator = await require_moderator(actor_id)
    challenge = await get_or_404(Challenge, challenge_id, "challenge")
    if challenge.state == ChallengeState.REMOVED:
        raise Conflict("this challenge is already removed")
    removed = await challenge_service.set_state(deps, challenge, ChallengeState.REMOVED)
    await audit(moderator.id, "challenge.remove", "challenge", challenge.id, {"reason": reason})
    return removed


async def set_role(deps: Deps, actor_id: str, user_id: str, role: str) -> User:
    """Kept for callers of the moderation module; the rules live in roles.set_role."""
    from domain.services import roles

    return await roles.set_role(actor_id, user_id, {"role": role})
