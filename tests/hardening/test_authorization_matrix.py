"""The authorization matrix: every role x every HTTP route and socket event, from one table.

Each row names a route (or event), the object it is aimed at and the answer each role gets.
The tests check that the table covers every route the app mounts and every event the socket
server handles (a new route without a row fails here), then play every cell against the real
server over real HTTP and real Socket.IO. Each route gets a fresh world (so a cell that
changes something cannot hide another's answer); within a route, refusals run first.

Answers: a status code (401, 403, 404, 400), or PASS: authorization let the request through
(2xx, or 400/409 when the world is not in the state the action needs, never 401/403/404/5xx).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest

from domain.models.users import AuthToken, Role, User
from domain.services import accounts, applications, challenges, conversations, moderation
from domain.services.common import update_where
from domain.services.sessions import token_hash
from openchance.serve import create_app
from openchance.settings import Settings
from realtime.api.core import API_PREFIX, API_ROUTES
from realtime.api.middlewares import API_LIMITS
from tests.api.conftest import RELAXED_LIMITS
from tests.conftest import challenge_data
from tests.domain.escrow_helpers import fund
from tests.realtime.conftest import LiveClient, LiveServer, start_app

ROLES = ("anonymous", "member", "owner", "applicant", "solver", "moderator", "banned")
PASS = "pass"
PASSWORD = "correct horse battery"


@dataclass
class World:
    """Who is who, and the objects the rows aim at.

    ``open_c``: open, the owner's, with the applicant's pending application.
    ``taken_c``: the owner's, the solver accepted and the escrow funded; ``chat``: their
    conversation. ``report``: the member's report. ``victim``: a bystander to ban.
    """

    tokens: dict[str, str]
    ids: dict[str, str]
    emails: dict[str, str]
    open_c: str = ""
    taken_c: str = ""
    pending_app: str = ""
    chat: str = ""
    report: str = ""
    victim: str = ""
    checkout: str = ""
    extra: dict[str, str] = field(default_factory=dict)


async def build_world(server: LiveServer) -> World:
    deps = server.deps
    tokens, ids, emails = {}, {}, {}
    for role in (*ROLES[1:], "victim"):
        email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
        token, user = await accounts.register(deps, {"email": email, "password": PASSWORD,
                                                     "display_name": role})
        tokens[role], ids[role], emails[role] = token, user.id, email
    await update_where(User, {"_id": ids["moderator"]}, {"$set": {"role": Role.MODERATOR}})
    world = World(tokens, ids, emails, victim=ids.pop("victim"))
    tokens.pop("victim")
    open_c = await challenges.post_challenge(deps, ids["owner"], challenge_data())
    pending = await applications.apply(deps, ids["applicant"], open_c.id, {"proposal": "me"})
    taken_c = await challenges.post_challenge(deps, ids["owner"], challenge_data())
    accepted = await applications.apply(deps, ids["solver"], taken_c.id, {"proposal": "me"})
    await applications.accept(deps, ids["owner"], accepted.id)
    escrow = await fund(deps, ids["owner"], taken_c.id)
    chat = await conversations.open_conversation(deps, ids["owner"],
                                                 {"user_id": ids["solver"]})
    report = await moderation.report(deps, ids["member"], {
        "target_type": "challenge", "target_id": open_c.id, "reason": "spam"})
    await moderation.ban(deps, ids["moderator"], ids["banned"])
    owner_session = await AuthToken.find_one({"token_hash": token_hash(tokens["owner"])})
    assert owner_session is not None
    world.extra["owner_session"] = owner_session.id
    world.open_c, world.taken_c, world.pending_app = open_c.id, taken_c.id, pending.id
    world.chat, world.report, world.checkout = chat.id, report.id, escrow.checkout_reference or ""
    return world


def answers(default: str | int, **per_role: str | int) -> dict[str, str | int]:
    return {role: per_role.get(role, default) for role in ROLES}


# Who may do what, by kind of route.
ANYONE = answers(PASS)
ANYONE_TOKEN_CHECKED = answers(PASS, banned=403)  # optional auth: a banned token is refused
SIGNED_IN = answers(PASS, anonymous=401, banned=403)
LINK_ONLY = answers(404)


def only(*roles: str, others: int = 403) -> dict[str, str | int]:
    return answers(others, anonymous=401, banned=403, **dict.fromkeys(roles, PASS))


Body = Callable[[World], Any]
Path = Callable[[World], str]


@dataclass(frozen=True)
class Row:
    path: Path
    expect: dict[str, str | int]
    body: Body | None = None


def _new_account(w: World) -> dict[str, str]:
    return {"email": f"new-{uuid.uuid4().hex[:8]}@example.org", "password": PASSWORD,
            "display_name": "new"}


HTTP: dict[str, Row] = {
    "POST /auth/register": Row(lambda w: "/auth/register", ANYONE, _new_account),
    "POST /auth/login": Row(lambda w: "/auth/login", ANYONE,
                            lambda w: {"email": w.emails["member"], "password": PASSWORD}),
    "POST /auth/logout": Row(lambda w: "/auth/logout", SIGNED_IN),
    "GET /me": Row(lambda w: "/me", SIGNED_IN),
    "PATCH /me": Row(lambda w: "/me", SIGNED_IN, lambda w: {"display_name": "renamed"}),
    "POST /me/link-code": Row(lambda w: "/me/link-code", SIGNED_IN),
    "GET /users/{id}": Row(lambda w: f"/users/{w.ids['owner']}", ANYONE),
    "GET /challenges": Row(lambda w: "/challenges", ANYONE_TOKEN_CHECKED),
    "POST /challenges": Row(lambda w: "/challenges", SIGNED_IN, lambda w: challenge_data()),
    "GET /challenges/{id}": Row(lambda w: f"/challenges/{w.open_c}", ANYONE_TOKEN_CHECKED),
    "PATCH /challenges/{id}": Row(lambda w: f"/challenges/{w.open_c}", only("owner"),
                                  lambda w: {"title": "A better title"}),
    "DELETE /challenges/{id}": Row(lambda w: f"/challenges/{w.open_c}", only("owner")),
    "POST /challenges/{id}/reviews": Row(lambda w: f"/challenges/{w.taken_c}/reviews",
                                         only("owner", "solver"),
                                         lambda w: {"rating": 5, "text": "great"}),
    "POST /challenges/{id}/applications": Row(
        lambda w: f"/challenges/{w.open_c}/applications",
        answers(PASS, anonymous=401, banned=403, owner=403),
        lambda w: {"proposal": "let me"}),
    # Anyone signed in may ask; each sees only what they may (the owner all, others their own).
    "GET /challenges/{id}/applications": Row(lambda w: f"/challenges/{w.open_c}/applications",
                                             SIGNED_IN),
    "GET /me/applications": Row(lambda w: "/me/applications", SIGNED_IN),
    "POST /applications/{id}/accept": Row(lambda w: f"/applications/{w.pending_app}/accept",
                                          only("owner")),
    "POST /applications/{id}/reject": Row(lambda w: f"/applications/{w.pending_app}/reject",
                                          only("owner")),
    "POST /applications/{id}/withdraw": Row(
        lambda w: f"/applications/{w.pending_app}/withdraw", only("applicant")),
    "GET /conversations": Row(lambda w: "/conversations", SIGNED_IN),
    "GET /conversations/{id}/messages": Row(lambda w: f"/conversations/{w.chat}/messages",
                                            only("owner", "solver", others=404)),
    "GET /notifications": Row(lambda w: "/notifications", SIGNED_IN),
    "POST /notifications/read": Row(lambda w: "/notifications/read", SIGNED_IN,
                                    lambda w: {"ids": ["000000000000000000000000"]}),
    "POST /reports": Row(lambda w: "/reports", SIGNED_IN, lambda w: {
        "target_type": "user", "target_id": w.ids["owner"], "reason": "rude"}),
    "POST /mod/users/{id}/ban": Row(lambda w: f"/mod/users/{w.victim}/ban", only("moderator")),
    "POST /mod/users/{id}/unban": Row(lambda w: f"/mod/users/{w.ids['banned']}/unban",
                                      only("moderator")),
    "POST /mod/challenges/{id}/remove": Row(lambda w: f"/mod/challenges/{w.open_c}/remove",
                                            only("moderator")),
    "GET /mod/reports": Row(lambda w: "/mod/reports", only("moderator")),
    "POST /mod/reports/{id}/resolve": Row(lambda w: f"/mod/reports/{w.report}/resolve",
                                          only("moderator")),
    "GET /openapi.json": Row(lambda w: "/openapi.json", ANYONE),
    "POST /challenges/{id}/escrow/fund": Row(lambda w: f"/challenges/{w.open_c}/escrow/fund",
                                             only("owner")),
    "GET /challenges/{id}/escrow": Row(lambda w: f"/challenges/{w.taken_c}/escrow",
                                       only("owner", "solver", "moderator")),
    "POST /challenges/{id}/milestones/{n}/submit": Row(
        lambda w: f"/challenges/{w.taken_c}/milestones/1/submit", only("solver"),
        lambda w: {"note": "done"}),
    "POST /challenges/{id}/milestones/{n}/release": Row(
        lambda w: f"/challenges/{w.taken_c}/milestones/1/release", only("owner")),
    "POST /challenges/{id}/escrow/refund": Row(
        lambda w: f"/challenges/{w.taken_c}/escrow/refund", only("owner", "moderator")),
    "POST /challenges/{id}/escrow/dispute": Row(
        lambda w: f"/challenges/{w.taken_c}/escrow/dispute", only("owner", "solver"),
        lambda w: {"reason": "not as agreed"}),
    "POST /mod/escrow/{challenge_id}/resolve": Row(
        lambda w: f"/mod/escrow/{w.taken_c}/resolve", only("moderator"),
        lambda w: {"release_amount": 0, "refund_amount": 30_000}),
    "POST /me/payouts/onboard": Row(lambda w: "/me/payouts/onboard", SIGNED_IN),
    "GET /me/payouts": Row(lambda w: "/me/payouts", SIGNED_IN),
    "GET /me/payments": Row(lambda w: "/me/payments", SIGNED_IN),
    # Search and matching (issue 14).
    "GET /search/suggest": Row(lambda w: "/search/suggest?q=imp", ANYONE),
    "GET /challenges/{id}/matches": Row(lambda w: f"/challenges/{w.open_c}/matches",
                                        only("owner", "moderator")),
    "GET /me/matches": Row(lambda w: "/me/matches", SIGNED_IN),
    "PUT /me/match-alerts": Row(lambda w: "/me/match-alerts", SIGNED_IN,
                                lambda w: {"enabled": True}),
    "POST /challenges/suggest-metadata": Row(lambda w: "/challenges/suggest-metadata", SIGNED_IN,
                                             lambda w: {"title": "Fix my parser",
                                                        "description": "A Rust parser."}),
    "GET /mod/reconciliation": Row(lambda w: "/mod/reconciliation", only("moderator")),
    # Accounts (issue 15). Admin routes: none of these roles is an admin. Mailed links are
    # their own capability: a made-up one is unknown to everyone.
    "DELETE /me": Row(lambda w: "/me", SIGNED_IN, lambda w: {"password": PASSWORD}),
    "GET /me/export": Row(lambda w: "/me/export", SIGNED_IN),
    "GET /me/notification-preferences": Row(lambda w: "/me/notification-preferences",
                                            SIGNED_IN),
    "PUT /me/notification-preferences": Row(lambda w: "/me/notification-preferences",
                                            SIGNED_IN, lambda w: {"message": {"email": False}}),
    "GET /me/sessions": Row(lambda w: "/me/sessions", SIGNED_IN),
    # Only the session's own user may end it; to anyone else it does not exist.
    "DELETE /me/sessions/{id}": Row(lambda w: f"/me/sessions/{w.extra['owner_session']}",
                                    only("owner", others=404)),
    "POST /auth/logout-all": Row(lambda w: "/auth/logout-all", SIGNED_IN),
    "POST /auth/refresh": Row(lambda w: "/auth/refresh", SIGNED_IN),
    "POST /auth/password/forgot": Row(lambda w: "/auth/password/forgot", ANYONE,
                                      lambda w: {"email": w.emails["member"]}),
    "POST /auth/password/reset": Row(lambda w: "/auth/password/reset", LINK_ONLY, lambda w: {
        "token": "not-a-reset-token-at-all", "password": "another long passphrase 9"}),
    "POST /auth/verify": Row(lambda w: "/auth/verify", LINK_ONLY,
                             lambda w: {"token": "not-a-verification-token"}),
    "POST /unsubscribe": Row(lambda w: "/unsubscribe", LINK_ONLY,
                             lambda w: {"token": "not-an-unsubscribe-token"}),
    "POST /me/2fa/setup": Row(lambda w: "/me/2fa/setup", SIGNED_IN),
    "POST /me/2fa/enable": Row(lambda w: "/me/2fa/enable", SIGNED_IN,
                               lambda w: {"code": "000000"}),
    "POST /me/2fa/disable": Row(lambda w: "/me/2fa/disable", SIGNED_IN,
                                lambda w: {"code": "000000"}),
    "POST /me/email": Row(lambda w: "/me/email", SIGNED_IN, lambda w: {
        "email": f"moved-{uuid.uuid4().hex[:8]}@example.org", "password": PASSWORD}),
    "POST /me/password": Row(lambda w: "/me/password", SIGNED_IN, lambda w: {
        "current_password": PASSWORD, "password": "another long passphrase 9"}),
    "POST /me/verify-email/resend": Row(lambda w: "/me/verify-email/resend", SIGNED_IN),
    "GET /mod/audit": Row(lambda w: "/mod/audit", only("moderator")),
    "GET /admin/users": Row(lambda w: f"/admin/users?email={w.emails['member']}",
                            answers(403, anonymous=401)),
    "POST /admin/users/{id}/role": Row(lambda w: f"/admin/users/{w.victim}/role",
                                       answers(403, anonymous=401),
                                       lambda w: {"role": "moderator"}),
    # Verified by signature, not by who sends it: an unsigned delivery is refused for all.
    "POST /webhooks/stripe": Row(lambda w: "/webhooks/stripe", answers(400),
                                 lambda w: {"type": "checkout.session.completed"}),
}
# Outside /api/v1: health, and the simulated gateway's pages (the link is the capability,
# as with a real provider's hosted checkout).
PAGES: dict[str, Row] = {
    "GET /healthz": Row(lambda w: "/healthz", ANYONE),
    "GET /readyz": Row(lambda w: "/readyz", ANYONE),
    "GET /simulated-pages.css": Row(lambda w: "/simulated-pages.css", ANYONE),
    "GET /simulated-checkout/{reference}": Row(lambda w: f"/simulated-checkout/{w.checkout}",
                                               ANYONE),
    "POST /simulated-checkout/{reference}": Row(
        lambda w: f"/simulated-checkout/{w.checkout}", ANYONE),
    # The embedded store's local mail outbox (a development aid; never with real SMTP).
    "GET /outbox": Row(lambda w: "/outbox", ANYONE),
    "GET /outbox/{id}": Row(lambda w: "/outbox/000000000000000000000000", answers(404)),
    "GET /simulated-onboarding/{account_ref}": Row(
        lambda w: "/simulated-onboarding/acct_unknown", answers(404)),
    "POST /simulated-onboarding/{account_ref}": Row(
        lambda w: "/simulated-onboarding/acct_unknown", answers(404)),
}
# Mounted by the Socket.IO server itself; its events have their own table below.
NOT_HTTP_ROUTES = {"GET /socket.io/", "POST /socket.io/", "OPTIONS /socket.io/"}

# Socket events: "ok", "hidden" (ok, but nothing of the target is revealed), an error code,
# or "refused" (the connection itself is refused).
SOCKETS_REFUSED = {"anonymous": "refused", "banned": "refused"}
SOCKET: dict[str, tuple[Body, dict[str, str]]] = {
    "conversation:open": (lambda w: {"user_id": w.victim},
                          {**dict.fromkeys(ROLES, "ok"), **SOCKETS_REFUSED}),
    "conversation:join": (lambda w: {"conversation_id": w.chat},
                          {**dict.fromkeys(ROLES, "not_found"), **SOCKETS_REFUSED,
                           "owner": "ok", "solver": "ok"}),
    "message:send": (lambda w: {"conversation_id": w.chat, "body": "hi",
                                "client_id": uuid.uuid4().hex},
                     {**dict.fromkeys(ROLES, "not_found"), **SOCKETS_REFUSED,
                      "owner": "ok", "solver": "ok"}),
    "typing": (lambda w: {"conversation_id": w.chat, "is_typing": True},
               {**dict.fromkeys(ROLES, "not_found"), **SOCKETS_REFUSED,
                "owner": "ok", "solver": "ok"}),
    "message:read": (lambda w: {"conversation_id": w.chat, "seq": 0},
                     {**dict.fromkeys(ROLES, "not_found"), **SOCKETS_REFUSED,
                      "owner": "ok", "solver": "ok"}),
    "presence:query": (lambda w: {"user_ids": [w.ids["owner"]]},
                       {**dict.fromkeys(ROLES, "hidden"), **SOCKETS_REFUSED,
                        "owner": "ok", "solver": "ok"}),
    "challenge:watch": (lambda w: {"challenge_id": w.open_c},
                        {**dict.fromkeys(ROLES, "ok"), **SOCKETS_REFUSED}),
}


@pytest.fixture
async def live(storage: Any, deps: Any) -> AsyncIterator[LiveServer]:
    # Relaxed rate limits: the matrix sends ~70 requests to the strictly limited /auth/* routes.
    app = create_app(Settings(_env_file=None, redis_url=None), deps=deps, storage=storage)
    app[API_LIMITS] = RELAXED_LIMITS
    runner, url = await start_app(app)
    server = LiveServer(url, app, deps, [], {})
    try:
        yield server
    finally:
        for client in server.clients:
            await client.close()
        await runner.cleanup()


def _matches(expected: str | int, status: int) -> bool:
    if expected == PASS:
        return 200 <= status < 300 or status in (400, 409)
    return status == expected


def _order(expect: dict[str, str | int]) -> list[str]:
    """Refusals first, so an allowed cell's change cannot turn a refusal into a 404."""
    return sorted(ROLES, key=lambda role: expect[role] == PASS)


def test_the_table_covers_every_route_and_event(storage: Any, deps: Any) -> None:
    app = create_app(Settings(_env_file=None, redis_url=None), deps=deps, storage=storage)
    api = {f"{r.method} {r.path}" for r in app[API_ROUTES]}
    mounted = {f"{r.method} {r.resource.canonical}" for r in app.router.routes()
               if r.method != "HEAD" and r.resource is not None}
    pages = {m for m in mounted if not m.split(" ", 1)[1].startswith(API_PREFIX + "/")}
    assert api == set(HTTP), ("every API route needs a row in HTTP (and no stale rows): "
                              f"missing {sorted(api - set(HTTP))}, "
                              f"stale {sorted(set(HTTP) - api)}")
    assert pages - NOT_HTTP_ROUTES == set(PAGES), sorted(pages ^ set(PAGES))
    from realtime.sockets import SOCKETS

    handled = set(app[SOCKETS].sio.handlers["/"]) - {"connect", "disconnect", "*"}
    assert handled == set(SOCKET), sorted(handled ^ set(SOCKET))


async def _play_http(server: LiveServer, http: aiohttp.ClientSession, name: str,
                     row: Row, prefix: str) -> list[str]:
    world = await build_world(server)
    method = name.split(" ", 1)[0]
    wrong = []
    for role in _order(row.expect):
        headers = {} if role == "anonymous" else {
            "Authorization": f"Bearer {world.tokens[role]}"}
        body = row.body(world) if row.body else None
        async with http.request(method, server.url + prefix + row.path(world), json=body,
                                headers=headers, allow_redirects=False) as resp:
            status = resp.status
            text = await resp.text()
        if not _matches(row.expect[role], status):
            wrong.append(f"{name} as {role}: expected {row.expect[role]}, got {status} "
                         f"{text[:120]}")
    return wrong


async def test_every_role_on_every_http_route(live: LiveServer) -> None:
    wrong: list[str] = []
    async with aiohttp.ClientSession() as http:
        for name, row in HTTP.items():
            wrong += await _play_http(live, http, name, row, API_PREFIX)
        for name, row in PAGES.items():
            wrong += await _play_http(live, http, name, row, "")
    assert not wrong, "\n".join(wrong)


async def test_every_role_on_every_socket_event(live: LiveServer) -> None:
    world = await build_world(live)
    clients: dict[str, LiveClient | None] = {}
    for role in ROLES:
        try:
            clients[role] = await live.client(token=world.tokens.get(role, "no-token-at-all"))
        except Exception:  # refused: socketio.exceptions.ConnectionError
            clients[role] = None
    wrong = []
    for event, (payload, expect) in SOCKET.items():
        for role in _order({r: "pass" if e in ("ok", "hidden") else e
                            for r, e in expect.items()}):
            client, want = clients[role], expect[role]
            if client is None:
                got = "refused"
            else:
                ack = await client.call(event, payload(world))
                got = ("ok" if ack.get("ok") else ack["error"]["code"])
                if got == "ok" and event == "presence:query" and not ack["online"]:
                    got = "hidden"
            if got != want:
                wrong.append(f"{event} as {role}: expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)
