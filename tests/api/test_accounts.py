"""Register, login, logout, /me, link codes and public profiles over HTTP."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from domain.models.users import LinkCode
from domain.services import accounts
from tests.api.conftest import API, PASSWORD, Members, error_of

SECRETS = ("password_hash", "token_hash", "code_hash")


def assert_no_secrets(text: str) -> None:
    assert not any(secret in text for secret in SECRETS)


async def test_register_login_me_logout(client: TestClient) -> None:
    resp = await client.post(f"{API}/auth/register", json={
        "email": "Ada@Example.org", "password": PASSWORD, "display_name": "Ada"})
    assert resp.status == 201
    assert_no_secrets(await resp.text())
    body = await resp.json()
    assert body["user"]["email"] == "ada@example.org" and isinstance(body["user"]["id"], str)
    assert body["user"]["created_at"].endswith("Z")

    resp = await client.post(f"{API}/auth/login",
                             json={"email": "ada@example.org", "password": PASSWORD})
    assert resp.status == 200
    token = (await resp.json())["token"]
    auth = {"Authorization": f"Bearer {token}"}
    resp = await client.get(f"{API}/me", headers=auth)
    assert resp.status == 200 and (await resp.json())["display_name"] == "Ada"
    assert_no_secrets(await resp.text())

    resp = await client.post(f"{API}/auth/logout", headers=auth)
    assert resp.status == 200 and await resp.json() == {"ok": True}
    error = await error_of(await client.get(f"{API}/me", headers=auth), 401)
    assert error["code"] == "unauthorized"


async def test_register_errors(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")
    dup = {"email": ada.email, "password": PASSWORD, "display_name": "Other"}
    assert (await error_of(await client.post(f"{API}/auth/register", json=dup), 409))[
        "code"] == "conflict"
    bad = {"email": "not-an-email", "password": "short", "display_name": ""}
    error = await error_of(await client.post(f"{API}/auth/register", json=bad), 400)
    assert set(error["fields"]) == {"email", "password", "display_name"}
    extra = {**dup, "email": "x@example.org", "role": "admin"}
    await error_of(await client.post(f"{API}/auth/register", json=extra), 400)
    await error_of(await client.post(f"{API}/auth/register", json=["a", "list"]), 400)


async def test_login_errors(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")
    wrong = {"email": ada.email, "password": "wrong password"}
    assert (await error_of(await client.post(f"{API}/auth/login", json=wrong), 401))[
        "code"] == "unauthorized"
    unknown = {"email": "nobody@example.org", "password": PASSWORD}
    await error_of(await client.post(f"{API}/auth/login", json=unknown), 401)
    await error_of(await client.post(f"{API}/auth/login", json={"email": ada.email}), 400)


async def test_bad_bearer_headers_are_401(client: TestClient) -> None:
    for header in ("Bearer not-a-real-token-at-all", "Basic abc", "Bearer ", "token"):
        resp = await client.get(f"{API}/me", headers={"Authorization": header})
        await error_of(resp, 401)
        assert resp.headers["WWW-Authenticate"] == "Bearer"


async def test_patch_me(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")
    resp = await client.patch(f"{API}/me", headers=ada.auth,
                              json={"bio": "I like graphs", "skills": ["Python", "rust"]})
    assert resp.status == 200
    body = await resp.json()
    assert body["bio"] == "I like graphs" and body["skills"] == ["python", "rust"]
    await error_of(await client.patch(f"{API}/me", headers=ada.auth, json={}), 400)
    error = await error_of(await client.patch(f"{API}/me", headers=ada.auth,
                                              json={"skills": ["no spaces allowed"]}), 400)
    assert "skills.0" in error["fields"]
    await error_of(await client.patch(f"{API}/me", headers=ada.auth,
                                      json={"email": "x@example.org"}), 400)


async def test_link_code_is_redeemable(client: TestClient, members: Members, deps) -> None:
    ada = await members.signup("ada")
    resp = await client.post(f"{API}/me/link-code", headers=ada.auth)
    assert resp.status == 200
    code = (await resp.json())["code"]
    assert len(code) == 8 and await LinkCode.find_one({"user_id": ada.id}) is not None
    linked = await accounts.redeem_link_code(deps, "telegram", "tg-1", code)
    assert linked.id == ada.id


async def test_public_profile(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")
    resp = await client.get(f"{API}/users/{ada.id}")
    assert resp.status == 200
    body = await resp.json()
    assert body["id"] == ada.id and body["reputation"] == {"average": 0.0, "count": 0}
    assert body["reviews"] == [] and "email" not in body
    assert_no_secrets(await resp.text())
    await error_of(await client.get(f"{API}/users/000000000000000000000000"), 404)
    await error_of(await client.get(f"{API}/users/{'x' * 300}"), 404)
