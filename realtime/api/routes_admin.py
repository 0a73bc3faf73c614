"""Administration: roles (admins) and the moderation audit log (moderators)."""

from __future__ import annotations

from aiohttp import web

from domain.services import moderation_log, roles
from domain.services.account_inputs import RoleInput
from domain.views import AuditEntryOut, ModeratedUserOut, render
from realtime.api.account_schemas import AuditPage, AuditQuery, UserLookupQuery
from realtime.api.core import (
    ApiRoutes,
    current_user_id,
    json_ok,
    parse_query,
    read_json,
)

routes = ApiRoutes(tag="administration")


@routes.post("/admin/users/{id}/role", body=RoleInput, response=ModeratedUserOut)
async def set_role(request: web.Request) -> web.Response:
    """Make a user a member, moderator or admin (admins; audited)."""
    user = await roles.set_role(await current_user_id(request), request.match_info["id"],
                                await read_json(request))
    return json_ok(render(ModeratedUserOut, user))


@routes.get("/admin/users", query=UserLookupQuery, response=ModeratedUserOut)
async def find_user(request: web.Request) -> web.Response:
    """The account with this exact email (admins), to change its role."""
    query = parse_query(request, UserLookupQuery)
    user = await roles.find_by_email(await current_user_id(request), query.email)
    return json_ok(render(ModeratedUserOut, user))


@routes.get("/mod/audit", query=AuditQuery, response=AuditPage)
async def audit_log(request: web.Request) -> web.Response:
    """Every moderator and admin action, newest first (moderators)."""
    query = parse_query(request, AuditQuery)
    entries, next_cursor = await moderation_log.audit_log(await current_user_id(request),
                                                          query.cursor, query.limit)
    return json_ok({"items": [render(AuditEntryOut, e) for e in entries],
                    "next_cursor": next_cursor})
