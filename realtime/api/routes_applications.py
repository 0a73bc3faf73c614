"""Applications: submit, list, accept, reject, withdraw."""

from __future__ import annotations

from aiohttp import web

from domain.services import applications
from domain.services.inputs import ApplyInput
from domain.views import ApplicationOut, render, render_list
from realtime.api.core import ApiRoutes, current_user_id, deps_of, json_ok, read_json
from realtime.api.schemas import ApplicationList

routes = ApiRoutes(tag="applications")


@routes.post("/challenges/{id}/applications", body=ApplyInput, response=ApplicationOut,
             status=201)
async def apply(request: web.Request) -> web.Response:
    """Apply to an open challenge with a proposal (not its owner)."""
    actor_id = await current_user_id(request)
    application = await applications.apply(deps_of(request), actor_id, request.match_info["id"],
                                           await read_json(request))
    return json_ok(render(ApplicationOut, application), status=201)


@routes.get("/challenges/{id}/applications", response=ApplicationList)
async def list_applications(request: web.Request) -> web.Response:
    """The owner sees every application; anyone else only their own."""
    actor_id = await current_user_id(request)
    items = await applications.list_applications(actor_id, request.match_info["id"])
    return json_ok(render_list(ApplicationOut, items))


@routes.get("/me/applications", response=ApplicationList)
async def my_applications(request: web.Request) -> web.Response:
    """The signed-in user's own applications, newest first."""
    actor_id = await current_user_id(request)
    return json_ok(render_list(ApplicationOut, await applications.my_applications(actor_id)))


@routes.post("/applications/{id}/accept", response=ApplicationOut)
async def accept(request: web.Request) -> web.Response:
    """Accept an application (the owner); the other pending ones are rejected."""
    actor_id = await current_user_id(request)
    application = await applications.accept(deps_of(request), actor_id, request.match_info["id"])
    return json_ok(render(ApplicationOut, application))


@routes.post("/applications/{id}/reject", response=ApplicationOut)
async def reject(request: web.Request) -> web.Response:
    """Reject an application (the owner)."""
    actor_id = await current_user_id(request)
    application = await applications.reject(deps_of(request), actor_id, request.match_info["id"])
    return json_ok(render(ApplicationOut, application))


@routes.post("/applications/{id}/withdraw", response=ApplicationOut)
async def withdraw(request: web.Request) -> web.Response:
    """Withdraw one's own pending application."""
    actor_id = await current_user_id(request)
    application = await applications.withdraw(deps_of(request), actor_id,
                                              request.match_info["id"])
    return json_ok(render(ApplicationOut, application))
