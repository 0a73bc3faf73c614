"""TOTP two-factor over HTTP: enrol, sign in with a code, wrong codes refused and then
rate-limited, recovery codes work once, and moderators can be required to use it."""

from __future__ import annotations

import time

import pyotp
from aiohttp.test_utils import TestClient

from domain.models.users import Role, User
from tests.accounts.conftest import API, PASSWORD, Member
from tests.api.conftest import Members, error_of


async def _enrol(client: TestClient, member: Member) -> tuple[pyotp.TOTP, list[str]]:
    setup = await (await client.post(f"{API}/me/2fa/setup", headers=member.auth)).json()
    assert setup["otpauth_url"].startswith("otpauth://totp/OpenChance:")
    totp = pyotp.TOTP(setup["secret"])
    wrong = await client.post(f"{API}/me/2fa/enable", headers=member.auth,
                              json={"code": "000000" if totp.now() != "000000" else "111111"})
    await error_of(wrong, 400)
    resp = await client.post(f"{API}/me/2fa/enable", headers=member.auth,
                             json={"code": totp.now()})
    assert resp.status == 200, await resp.text()
    codes = (await resp.json())["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    return totp, codes


def _next_code(totp: pyotp.TOTP) -> str:
    """The code of the next time step (accepted for clock drift; the current one is used)."""
    return totp.at(time.time() + 30)


async def _login(client: TestClient, email: str, otp: str | None = None) -> object:
    body = {"email": email, "password": PASSWORD} | ({"otp": otp} if otp else {})
    return await client.post(f"{API}/auth/login", json=body)


async def test_enrol_then_sign_in_with_a_code_once(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")
    totp, _ = await _enrol(client, ada)
    me = await (await client.get(f"{API}/me", headers=ada.auth)).json()
    assert me["two_factor_enabled"] is True

    error = await error_of(await _login(client, ada.email), 401)
    assert error["code"] == "two_factor_required"
    code = _next_code(totp)
    resp = await _login(client, ada.email, code)
    assert resp.status == 200, await resp.text()
    # The same code a second time (someone who saw it over the shoulder) is refused.
    await error_of(await _login(client, ada.email, code), 401)
    # A right password with a wrong code is no sign-in.
    assert (await error_of(await _login(client, ada.email, "123456"), 401))["code"] == \
        "unauthorized"


async def test_wrong_codes_are_rate_limited(client: TestClient, members: Members) -> None:
    ada = await members.signup("ada")
    totp, _ = await _enrol(client, ada)
    wrong = "999999" if _next_code(totp) != "999999" else "888888"
    for _ in range(5):
        await error_of(await _login(client, ada.email, wrong), 401)
    locked = await _login(client, ada.email, _next_code(totp))  # even the right code waits
    assert (await error_of(locked, 429))["code"] == "rate_limited"
    assert int(locked.headers["Retry-After"]) > 0


async def test_recovery_code_works_once_and_disable(client: TestClient,
                                                    members: Members) -> None:
    ada = await members.signup("ada")
    _, codes = await _enrol(client, ada)
    resp = await _login(client, ada.email, codes[0].upper())  # case and dash do not matter
    assert resp.status == 200
    await error_of(await _login(client, ada.email, codes[0]), 401)
    resp = await _login(client, ada.email, codes[1].replace("-", ""))
    assert resp.status == 200

    await error_of(await client.post(f"{API}/me/2fa/disable", headers=ada.auth,
                                     json={"code": codes[0]}), 400)
    resp = await client.post(f"{API}/me/2fa/disable", headers=ada.auth,
                             json={"code": codes[2]})
    assert resp.status == 200 and (await resp.json())["user"]["two_factor_enabled"] is False
    assert (await _login(client, ada.email)).status == 200


async def test_moderators_can_be_required_to_use_two_factor(
        client: TestClient, members: Members) -> None:
    mod = await members.with_role("mod", Role.MODERATOR)
    try:
        User.moderators_need_2fa = True
        refused = await client.get(f"{API}/mod/reports", headers=mod.auth)
        assert "two-factor" in (await error_of(refused, 403))["message"]
        await _enrol(client, mod)
        assert (await client.get(f"{API}/mod/reports", headers=mod.auth)).status == 200
    finally:
        User.moderators_need_2fa = False
