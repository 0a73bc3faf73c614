"""Reports from users, and the moderator routes (each action audit-logged by the domain)."""

from __future__ import annotations

from aiohttp import web

from domain.services import moderation
from domain.services.common import parse
from domain.services.inputs import BanInput, ReportInput
from domain.views import ChallengeOut, ModeratedUserOut, ReportOut, render, render_list
from realtime.api.core import (
    ApiRoutes,
    current_user_id,
    deps_of,
    json_ok,
    parse_query,
    read_json,
)
from realtime.api.schemas import RemoveInput, ReportList, ReportsQuery

routes = ApiRoutes(tag="moderation")


@routes.post("/reports", body=ReportInput, response=ReportOut, status=201)
async def report(request: web.Request) -> web.Response:
    """Report a user, challenge or message to the moderators."""
    actor_id = await current_user_id(request)
    entry = await moderation.report(deps_of(request), actor_id, await read_json(request))
    return json_ok(render(ReportOut, entry), status=201)


@routes.post("/mod/users/{id}/ban", body=BanInput, body_required=False, response=ModeratedUserOut)
async def ban(request: web.Request) -> web.Response:
    """Ban a user (moderators; only an admin bans a moderator). The body is optional."""
    actor_id = await current_user_id(request)
    data = await read_json(request, allow_empty=True)
    user = await moderation.ban(deps_of(request), actor_id, request.match_info["id"], data)
    return json_ok(render(ModeratedUserOut, user))


@routes.post("/mod/users/{id}/unban", response=ModeratedUserOut)
async def unban(request: web.Request) -> web.Response:
    """Lift a ban (moderators)."""
    actor_id = await current_user_id(request)
    user = await moderation.unban(deps_of(request), actor_id, request.match_info["id"])
    return json_ok(render(ModeratedUserOut, user))


@routes.post("/mod/challenges/{id}/remove", body=RemoveInput, body_required=False,
             response=ChallengeOut)
async def remove_challenge(request: web.Request) -> web.Response:
    """Remove a challenge from the listings (moderators). The body is optional."""
    actor_id = await current_user_id(request)
    form = parse(RemoveInput, await read_json(request, allow_empty=True))
    challenge = await moderation.remove_challenge(deps_of(request), actor_id,
                                                  request.match_info["id"], form.reason)
    return json_ok(render(ChallengeOut, challenge))


@routes.get("/mod/reports", query=ReportsQuery, response=ReportList)
async def list_reports(request: web.Request) -> web.Response:
    """Reports by state, newest first (moderators)."""
    actor_id = await current_user_id(request)
    query = parse_query(request, ReportsQuery)
    return json_ok(render_list(ReportOut, await moderation.list_reports(actor_id, query.state)))


@routes.post("/mod/reports/{id}/resolve", response=ReportOut)
async def resolve_report(request: web.Request) -> web.Response:
    """Mark a report resolved (moderators)."""
    actor_id = await current_user_id(request)
    entry = await moderation.resolve_report(deps_of(request), actor_id, request.match_info["id"])
    return json_ok(render(ReportOut, entry))
