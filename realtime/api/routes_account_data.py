"""What we hold about the signed-in user (export, deletion) and where notifications go."""

from __future__ import annotations

from aiohttp import web

from domain.services import account_data, notification_preferences
from domain.services.account_inputs import PasswordConfirmInput, TokenInput
from realtime.api.account_schemas import PreferencesOut, UnsubscribedOut
from realtime.api.core import ApiRoutes, current_user_id, deps_of, json_ok, read_json
from realtime.api.schemas import OkOut

routes = ApiRoutes(tag="account data")


@routes.get("/me/export")
async def export(request: web.Request) -> web.Response:
    """Everything we hold about the signed-in user, as one JSON document."""
    data = await account_data.export(await current_user_id(request))
    response = json_ok(data)
    response.headers["Content-Disposition"] = 'attachment; filename="openchance-export.json"'
    return response


@routes.delete("/me", body=PasswordConfirmInput, response=OkOut)
async def delete_me(request: web.Request) -> web.Response:
    """Delete the account (409 while money is held in escrow for it)."""
    await account_data.delete_account(deps_of(request), await current_user_id(request),
                                      await read_json(request))
    return json_ok({"ok": True})


@routes.get("/me/notification-preferences", response=PreferencesOut)
async def get_preferences(request: web.Request) -> web.Response:
    """{kind: {channel: bool}} for every kind of notification and every channel."""
    return json_ok(await notification_preferences.preferences(await current_user_id(request)))


@routes.put("/me/notification-preferences", body=PreferencesOut, response=PreferencesOut)
async def put_preferences(request: web.Request) -> web.Response:
    """Change some choices ({kind: {channel: bool}}); the others stay. Answers all."""
    actor_id = await current_user_id(request)
    return json_ok(await notification_preferences.update_preferences(
        actor_id, await read_json(request)))


@routes.post("/unsubscribe", auth="none", limit="auth", body=TokenInput, body_required=False,
             response=UnsubscribedOut)
async def unsubscribe(request: web.Request) -> web.Response:
    """One-click unsubscribe from a notification mail (RFC 8058): the token comes in the
    query (?token=, what mail clients POST to) or in the JSON body."""
    token = request.query.get("token")
    data = {"token": token} if token is not None else await read_json(request, allow_empty=True)
    kinds = await notification_preferences.unsubscribe(data)
    return json_ok({"kinds": kinds})
