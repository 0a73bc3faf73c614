"""Sessions (device, last use, revoke, expiry, refresh), roles and the audit log."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient

from domain.models.common import utcnow
from domain.models.users import AuthToken, Role
from domain.services import roles
from openchance.cli import main
from tests.accounts.conftest import API, PASSWORD
from tests.api.conftest import Members, error_of


async def test_sessions_list_revoke_and_logout_all(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")
    phone = await client.post(f"{API}/auth/login", json={"email": ada.email, "password": PASSWORD},
                              headers={"User-Agent": "Ada's phone (Android 15)"})
    phone_auth = {"Authorization": f"Bearer {(await phone.json())['token']}"}
    listed = (await (await client.get(f"{API}/me/sessions", headers=ada.auth)).json())["items"]
    assert len(listed) == 2
    assert [s["current"] for s in listed].count(True) == 1
    phone_session = next(s for s in listed if s["device"] == "Ada's phone (Android 15)")
    assert phone_session["current"] is False and phone_session["last_used_at"]

    resp = await client.delete(f"{API}/me/sessions/{phone_session['id']}", headers=ada.auth)
    assert resp.status == 200
    await error_of(await client.get(f"{API}/me", headers=phone_auth), 401)
    await error_of(await client.delete(f"{API}/me/sessions/{phone_session['id']}",
                                       headers=ada.auth), 404)

    resp = await client.post(f"{API}/auth/logout-all", headers=ada.auth)
    assert (await resp.json())["revoked"] == 1
    await error_of(await client.get(f"{API}/me", headers=ada.auth), 401)


async def test_tokens_expire_and_refresh(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")
    resp = await client.post(f"{API}/auth/refresh", headers=ada.auth)
    assert resp.status == 200
    fresh = {"Authorization": f"Bearer {(await resp.json())['token']}"}
    await error_of(await client.get(f"{API}/me", headers=ada.auth), 401)  # rotated away
    assert (await client.get(f"{API}/me", headers=fresh)).status == 200
    await AuthToken.find({"user_id": ada.id}).update(
        {"$set": {"expires_at": utcnow() - timedelta(seconds=1)}})
    error = await error_of(await client.get(f"{API}/me", headers=fresh), 401)
    assert "expired" in error["message"]


async def test_admin_sets_roles_and_the_audit_log_shows_it(client: TestClient,
                                                           members: Members) -> None:
    admin = await members.with_role("root", Role.ADMIN)
    mod = await members.with_role("mod", Role.MODERATOR)
    bob = await members.signup("bob")
    await error_of(await client.post(f"{API}/admin/users/{bob.id}/role", headers=mod.auth,
                                     json={"role": "moderator"}), 403)
    await error_of(await client.post(f"{API}/admin/users/{bob.id}/role", headers=admin.auth,
                                     json={"role": "king"}), 400)
    found = await client.get(f"{API}/admin/users", params={"email": bob.email},
                             headers=admin.auth)
    assert (await found.json())["id"] == bob.id
    resp = await client.post(f"{API}/admin/users/{bob.id}/role", headers=admin.auth,
                             json={"role": "moderator"})
    assert (await resp.json())["role"] == "moderator"
    assert (await client.get(f"{API}/mod/reports", headers=bob.auth)).status == 200

    await error_of(await client.get(f"{API}/mod/audit", headers={
        "Authorization": f"Bearer {(await members.signup('eve')).token}"}), 403)
    page = await (await client.get(f"{API}/mod/audit", params={"limit": "1"},
                                   headers=mod.auth)).json()
    entry = page["items"][0]
    assert (entry["action"], entry["actor_id"], entry["target_id"]) == \
        ("user.role", admin.id, bob.id)
    assert entry["details"] == {"role": "moderator", "previous": "member"}
    assert page["next_cursor"] is None  # the only entry

    await client.post(f"{API}/admin/users/{bob.id}/role", headers=admin.auth,
                      json={"role": "member"})
    first = await (await client.get(f"{API}/mod/audit", params={"limit": "1"},
                                    headers=mod.auth)).json()
    assert first["items"][0]["details"]["role"] == "member" and first["next_cursor"]
    second = await (await client.get(f"{API}/mod/audit", headers=mod.auth, params={
        "limit": "1", "cursor": first["next_cursor"]})).json()
    assert second["items"][0]["id"] == entry["id"] and second["next_cursor"] is None


async def test_console_grant_and_revoke(client: TestClient, members: Members) -> None:
    bob = await members.signup("bob")
    granted = await roles.grant("admin", bob.email.upper())
    assert granted.role == "admin"
    revoked = await roles.revoke("admin", bob.email)
    assert revoked.role == "member"
    page = await (await client.get(f"{API}/mod/audit", headers=(
        await members.with_role("mod", Role.MODERATOR)).auth)).json()
    assert [e["actor_id"] for e in page["items"][:2]] == ["console", "console"]


def test_admin_command_needs_the_shared_database(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("MONGODB_URL", raising=False)
    assert main(["admin", "grant", "moderator", "someone@example.org"]) == 2
    assert "MONGODB_URL" in capsys.readouterr().err
