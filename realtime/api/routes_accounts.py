"""Accounts: register, login, logout, own profile, link codes, public profiles."""

from __future__ import annotations

from aiohttp import web

from domain.services import accounts
from domain.services.inputs import LoginInput, ProfileInput, RegisterInput
from domain.views import ProfileOut, UserPrivate, render
from realtime.api.core import (
    ApiRoutes,
    bearer_token,
    current_user,
    current_user_id,
    deps_of,
    json_ok,
    read_json,
)
from realtime.api.schemas import AuthOut, LinkCodeOut, OkOut

routes = ApiRoutes(tag="accounts")


@routes.post("/auth/register", auth="none", limit="auth", body=RegisterInput, response=AuthOut,
             status=201)
async def register(request: web.Request) -> web.Response:
    """Create an account and sign in."""
    token, user = await accounts.register(deps_of(request), await read_json(request),
                                          device=request.headers.get("User-Agent"))
    return json_ok({"token": token, "user": render(UserPrivate, user)}, status=201)


@routes.post("/auth/login", auth="none", limit="auth", body=LoginInput, response=AuthOut)
async def login(request: web.Request) -> web.Response:
    """Sign in with email and password (and ``otp`` when two-factor is on); answers a new
    bearer token. Two-factor on and no ``otp``: 401 with code ``two_factor_required``."""
    token, user = await accounts.login(deps_of(request), await read_json(request),
                                       device=request.headers.get("User-Agent"))
    return json_ok({"token": token, "user": render(UserPrivate, user)})


@routes.post("/auth/logout", response=OkOut)
async def logout(request: web.Request) -> web.Response:
    """Revoke the bearer token this request carries."""
    await current_user(request)
    await accounts.logout(deps_of(request), bearer_token(request) or "")
    return json_ok({"ok": True})


@routes.get("/me", response=UserPrivate)
async def get_me(request: web.Request) -> web.Response:
    """The signed-in user's own profile."""
    return json_ok(render(UserPrivate, await current_user(request)))


@routes.patch("/me", body=ProfileInput, response=UserPrivate)
async def patch_me(request: web.Request) -> web.Response:
    """Change display_name, bio or skills."""
    actor_id = await current_user_id(request)
    user = await accounts.update_profile(deps_of(request), actor_id, await read_json(request))
    return json_ok(render(UserPrivate, user))


@routes.post("/me/link-code", response=LinkCodeOut)
async def link_code(request: web.Request) -> web.Response:
    """A one-time code that links a chat account (`/link CODE` in a bot)."""
    actor_id = await current_user_id(request)
    code = await accounts.create_link_code(deps_of(request), actor_id)
    return json_ok({"code": code})


@routes.get("/users/{id}", auth="none", response=ProfileOut)
async def public_profile(request: web.Request) -> web.Response:
    """A user's public profile with reputation and the latest reviews received."""
    user, reviews = await accounts.public_profile(request.match_info["id"])
    return json_ok(render(ProfileOut, user, reviews=reviews))
