"""Account security: email verification, password reset and change, email change, sessions
and two-factor authentication."""

from __future__ import annotations

from aiohttp import web

from domain.services import (
    email_addresses,
    password_reset,
    sessions,
    two_factor,
)
from domain.services.account_inputs import (
    ChangeEmailInput,
    ChangePasswordInput,
    CodeInput,
    ForgotInput,
    ResetInput,
    TokenInput,
)
from domain.services.common import load_actor
from domain.views import SessionOut, UserPrivate, render
from realtime.api.account_schemas import (
    AcceptedOut,
    RecoveryCodesOut,
    RevokedOut,
    SessionList,
    TwoFactorSetupOut,
    UserOut,
)
from realtime.api.core import (
    ApiRoutes,
    bearer_token,
    current_user,
    current_user_id,
    deps_of,
    json_ok,
    read_json,
)
from realtime.api.schemas import AuthOut, OkOut
from realtime.outbox_page import outbox_is_shown

routes = ApiRoutes(tag="account security")


def _outbox_hint(request: web.Request) -> dict[str, str]:
    return {"local_outbox_url": "/outbox"} if outbox_is_shown(request.app) else {}


async def _session_id(request: web.Request) -> str:
    await current_user(request)
    return (await sessions.session_of(bearer_token(request))).id


@routes.post("/auth/verify", auth="none", limit="auth", body=TokenInput, response=UserOut)
async def verify(request: web.Request) -> web.Response:
    """Verify the email a verification (or change-of-address) link was mailed to."""
    user = await email_addresses.verify(deps_of(request), await read_json(request))
    return json_ok({"user": render(UserPrivate, user)})


@routes.post("/me/verify-email/resend", response=AcceptedOut, status=202)
async def resend_verification(request: web.Request) -> web.Response:
    """Mail a new verification link to the signed-in user's address."""
    await email_addresses.resend_verification(deps_of(request), await current_user_id(request))
    return json_ok({"accepted": True}, status=202)


@routes.post("/auth/password/forgot", auth="none", limit="auth", body=ForgotInput,
             response=AcceptedOut, status=202)
async def forgot(request: web.Request) -> web.Response:
    """Mail a single-use reset link; 202 whether or not the address has an account."""
    await password_reset.forgot(deps_of(request), await read_json(request))
    return json_ok({"accepted": True, **_outbox_hint(request)}, status=202)


@routes.post("/auth/password/reset", auth="none", limit="auth", body=ResetInput,
             response=UserOut)
async def reset(request: web.Request) -> web.Response:
    """Set a new password with the mailed token; every session is signed out."""
    user = await password_reset.reset(deps_of(request), await read_json(request))
    return json_ok({"user": render(UserPrivate, user)})


@routes.post("/me/password", body=ChangePasswordInput, response=UserOut)
async def change_password(request: web.Request) -> web.Response:
    """Change the password (knowing the current one); other sessions are signed out."""
    keep = await _session_id(request)
    user = await password_reset.change(deps_of(request), await current_user_id(request),
                                       await read_json(request), keep_session_id=keep)
    return json_ok({"user": render(UserPrivate, user)})


@routes.post("/me/email", body=ChangeEmailInput, response=AcceptedOut, status=202)
async def change_email(request: web.Request) -> web.Response:
    """Mail a confirmation link to a new address; it replaces the old one once opened."""
    await email_addresses.request_change(deps_of(request), await current_user_id(request),
                                         await read_json(request))
    return json_ok({"accepted": True}, status=202)


@routes.post("/auth/refresh", response=AuthOut)
async def refresh(request: web.Request) -> web.Response:
    """Swap this bearer token for a new one of the same session (the old one stops)."""
    user = await current_user(request)
    token, _ = await sessions.refresh(bearer_token(request))
    return json_ok({"token": token, "user": render(UserPrivate, user)})


@routes.get("/me/sessions", response=SessionList)
async def list_sessions(request: web.Request) -> web.Response:
    """The signed-in devices, most recently used first."""
    current = await _session_id(request)
    found = await sessions.list_sessions(await current_user_id(request))
    return json_ok({"items": [render(SessionOut, s, current=s.id == current) for s in found]})


@routes.delete("/me/sessions/{id}", response=OkOut)
async def revoke_session(request: web.Request) -> web.Response:
    """Sign one device out."""
    await sessions.revoke_session(deps_of(request), await current_user_id(request),
                                  request.match_info["id"])
    return json_ok({"ok": True})


@routes.post("/auth/logout-all", response=RevokedOut)
async def logout_all(request: web.Request) -> web.Response:
    """Sign out every session, this one included."""
    user = await current_user(request)
    return json_ok({"revoked": await sessions.revoke_all(deps_of(request), user.id)})


@routes.post("/me/2fa/setup", response=TwoFactorSetupOut)
async def setup_2fa(request: web.Request) -> web.Response:
    """A new TOTP secret to add to an authenticator app (on only after /me/2fa/enable)."""
    secret, url = await two_factor.setup(deps_of(request), await current_user_id(request))
    return json_ok({"secret": secret, "otpauth_url": url})


@routes.post("/me/2fa/enable", body=CodeInput, response=RecoveryCodesOut)
async def enable_2fa(request: web.Request) -> web.Response:
    """Turn two-factor on with a first code; answers the recovery codes, once."""
    codes = await two_factor.enable(deps_of(request), await current_user_id(request),
                                    await read_json(request))
    return json_ok({"recovery_codes": codes})


@routes.post("/me/2fa/disable", body=CodeInput, response=UserOut)
async def disable_2fa(request: web.Request) -> web.Response:
    """Turn two-factor off with a current code or a recovery code."""
    actor_id = await current_user_id(request)
    await two_factor.disable(deps_of(request), actor_id, await read_json(request))
    return json_ok({"user": render(UserPrivate, await load_actor(actor_id))})
