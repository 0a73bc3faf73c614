"""Mails over real SMTP: verification, password reset, change of email."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient

from domain.models.account_tokens import AccountToken
from domain.models.common import utcnow
from tests.accounts.conftest import API, PASSWORD, verified
from tests.accounts.smtp_server import Mailbox
from tests.api.conftest import Members, error_of

NEW_PASSWORD = "violet kettle drums"


async def test_signup_mails_a_verification_link_that_works_once(
        client: TestClient, members: Members, mailbox: Mailbox) -> None:
    ada = await members.signup("ada")
    me = await (await client.get(f"{API}/me", headers=ada.auth)).json()
    assert me["email_verified"] is False
    mail = await mailbox.wait_for(ada.email)
    assert "Confirm your email" in mail.subject
    assert mail.link("/verify-email").startswith("http://openchance.test/verify-email?token=")
    assert mail.link("/verify-email") in mail.html  # the HTML alternative carries it too
    token = mail.token("/verify-email")

    resp = await client.post(f"{API}/auth/verify", json={"token": token})
    assert resp.status == 200 and (await resp.json())["user"]["email_verified"] is True
    await error_of(await client.post(f"{API}/auth/verify", json={"token": token}), 404)
    await error_of(await client.post(f"{API}/auth/verify", json={"token": "x" * 40}), 404)


async def test_reset_link_works_once_expires_and_signs_everyone_out(
        client: TestClient, members: Members, mailbox: Mailbox) -> None:
    ada = await members.signup("ada")
    other_device = await client.post(f"{API}/auth/login",
                                     json={"email": ada.email, "password": PASSWORD})
    other_token = (await other_device.json())["token"]

    # Unknown addresses get the same answer and no mail: nobody learns who has an account.
    resp = await client.post(f"{API}/auth/password/forgot", json={"email": "no@one.example"})
    assert resp.status == 202
    resp = await client.post(f"{API}/auth/password/forgot", json={"email": ada.email})
    assert resp.status == 202
    mail = await mailbox.wait_for(ada.email, count=2)  # after the verification mail
    assert "Reset your OpenChance password" in mail.subject
    token = mail.token("/reset-password")
    assert mailbox.to("no@one.example") == []

    weak = await client.post(f"{API}/auth/password/reset",
                             json={"token": token, "password": "password123"})
    assert "password" in (await error_of(weak, 400))["fields"]
    resp = await client.post(f"{API}/auth/password/reset",
                             json={"token": token, "password": NEW_PASSWORD})
    assert resp.status == 200, await resp.text()

    for old in (ada.token, other_token):  # every session ended
        await error_of(await client.get(f"{API}/me",
                                        headers={"Authorization": f"Bearer {old}"}), 401)
    await error_of(await client.post(f"{API}/auth/login",
                                     json={"email": ada.email, "password": PASSWORD}), 401)
    resp = await client.post(f"{API}/auth/login",
                             json={"email": ada.email, "password": NEW_PASSWORD})
    assert resp.status == 200
    again = await client.post(f"{API}/auth/password/reset",
                              json={"token": token, "password": "another fine phrase"})
    await error_of(again, 404)

    # A link older than its lifetime is refused even if never used.
    await client.post(f"{API}/auth/password/forgot", json={"email": ada.email})
    late = (await mailbox.wait_for(ada.email, count=3)).token("/reset-password")
    await AccountToken.find({"purpose": "reset_password", "used_at": None}).update(
        {"$set": {"expires_at": utcnow() - timedelta(seconds=1)}})
    await error_of(await client.post(f"{API}/auth/password/reset",
                                      json={"token": late, "password": "another fine phrase"}),
                   404)


async def test_a_newer_reset_link_voids_the_older_one(
        client: TestClient, members: Members, mailbox: Mailbox) -> None:
    ada = await members.signup("ada")
    for _ in range(2):
        await client.post(f"{API}/auth/password/forgot", json={"email": ada.email})
    first = (await mailbox.wait_for(ada.email, count=2)).token("/reset-password")
    second = (await mailbox.wait_for(ada.email, count=3)).token("/reset-password")
    await error_of(await client.post(f"{API}/auth/password/reset",
                                     json={"token": first, "password": NEW_PASSWORD}), 404)
    resp = await client.post(f"{API}/auth/password/reset",
                             json={"token": second, "password": NEW_PASSWORD})
    assert resp.status == 200


async def test_change_email_is_confirmed_on_the_new_address(
        client: TestClient, members: Members, mailbox: Mailbox) -> None:
    ada = await verified(client, members, mailbox, "ada")
    new = "ada.new@example.org"
    wrong = await client.post(f"{API}/me/email", json={"email": new, "password": "nope nope"},
                              headers=ada.auth)
    await error_of(wrong, 400)  # a wrong field: a 401 would mean the session is bad
    resp = await client.post(f"{API}/me/email", json={"email": new, "password": PASSWORD},
                             headers=ada.auth)
    assert resp.status == 202
    mail = await mailbox.wait_for(new)
    assert "Confirm your new email" in mail.subject
    # Nothing changed yet: the old address still signs in.
    me = await (await client.get(f"{API}/me", headers=ada.auth)).json()
    assert me["email"] == ada.email

    resp = await client.post(f"{API}/auth/verify", json={"token": mail.token("/verify-email")})
    assert resp.status == 200
    assert (await resp.json())["user"]["email"] == new
    notice = await mailbox.wait_for(ada.email, count=2)
    assert "changed" in notice.subject and new in notice.text
    resp = await client.post(f"{API}/auth/login", json={"email": new, "password": PASSWORD})
    assert resp.status == 200
    await error_of(await client.post(f"{API}/auth/login",
                                     json={"email": ada.email, "password": PASSWORD}), 401)


async def test_change_password_keeps_this_session_only(
        client: TestClient, members: Members, mailbox: Mailbox) -> None:
    ada = await members.signup("ada")
    other = (await (await client.post(f"{API}/auth/login", json={
        "email": ada.email, "password": PASSWORD})).json())["token"]
    bad = await client.post(f"{API}/me/password", headers=ada.auth,
                            json={"current_password": "wrong one", "password": NEW_PASSWORD})
    assert (await error_of(bad, 400))["fields"] == {"current_password": "wrong password"}
    resp = await client.post(f"{API}/me/password", headers=ada.auth,
                             json={"current_password": PASSWORD, "password": NEW_PASSWORD})
    assert resp.status == 200, await resp.text()
    assert (await client.get(f"{API}/me", headers=ada.auth)).status == 200
    await error_of(await client.get(f"{API}/me", headers={"Authorization": f"Bearer {other}"}),
                   401)
    notice = await mailbox.wait_for(ada.email, count=2)
    assert "password changed" in notice.subject


async def test_mails_are_in_the_reader_s_language(
        client: TestClient, members: Members, mailbox: Mailbox) -> None:
    ada = await members.signup("ada")
    resp = await client.patch(f"{API}/me", json={"locale": "de"}, headers=ada.auth)
    assert (await resp.json())["locale"] == "de"
    await error_of(await client.patch(f"{API}/me", json={"locale": "xx"}, headers=ada.auth), 400)
    await client.post(f"{API}/auth/password/forgot", json={"email": ada.email})
    mail = await mailbox.wait_for(ada.email, count=2)
    assert mail.subject == "Setze dein OpenChance-Passwort zurück"
    assert "Neues Passwort wählen" in mail.html and "/reset-password?token=" in mail.text


async def test_nobody_can_flood_an_inbox_with_links(
        client: TestClient, members: Members, mailbox: Mailbox) -> None:
    ada = await members.signup("ada")
    for _ in range(5):
        resp = await client.post(f"{API}/auth/password/forgot", json={"email": ada.email})
        assert resp.status == 202  # the same answer, mailed or not
    await mailbox.wait_for(ada.email, count=4)  # the verification mail and 3 reset mails
    assert len(mailbox.to(ada.email)) == 4
    for _ in range(2):
        resp = await client.post(f"{API}/me/verify-email/resend", headers=ada.auth)
        assert resp.status == 202
    limited = await client.post(f"{API}/me/verify-email/resend", headers=ada.auth)
    assert (await error_of(limited, 429))["code"] == "rate_limited"
