from __future__ import annotations

import pytest

from domain.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from domain.models.users import AuthToken, PlatformIdentity, User
from domain.services import accounts, moderation
from domain.services.common import update_where
from tests.conftest import Users


async def test_register_login_authenticate_logout(deps) -> None:
    token, user = await accounts.register(deps, {"email": "Ann@Example.org",
                                                 "password": "long enough pw",
                                                 "display_name": " Ann "})
    assert user.email == "ann@example.org" and user.display_name == "Ann"
    assert user.password_hash and "long enough pw" not in user.password_hash
    stored = await AuthToken.find_one({"user_id": user.id})
    assert stored is not None and stored.token_hash != token
    assert (await accounts.authenticate(token)).id == user.id
    token2, again = await accounts.login(deps, {"email": "ann@example.org",
                                                "password": "long enough pw"})
    assert again.id == user.id and token2 != token
    await accounts.logout(deps, token)
    with pytest.raises(Unauthorized):
        await accounts.authenticate(token)
    assert (await accounts.authenticate(token2)).id == user.id


async def test_duplicate_email_and_wrong_password(deps) -> None:
    await accounts.register(deps, {"email": "a@b.io", "password": "plum orchard 7",
                                   "display_name": "A"})
    with pytest.raises(Conflict):
        await accounts.register(deps, {"email": "A@B.io", "password": "plum orchard 8",
                                       "display_name": "B"})
    with pytest.raises(Unauthorized):
        await accounts.login(deps, {"email": "a@b.io", "password": "wrong-password"})
    with pytest.raises(Unauthorized):
        await accounts.login(deps, {"email": "nobody@b.io", "password": "plum orchard 7"})


@pytest.mark.parametrize("data", [
    {},
    {"email": "not-an-email", "password": "plum orchard 7", "display_name": "A"},
    {"email": "a@b.io", "password": "short", "display_name": "A"},
    {"email": "a@b.io", "password": "plum orchard 7", "display_name": ""},
    {"email": "a@b.io", "password": "plum orchard 7", "display_name": "x" * 61},
    {"email": 5, "password": "plum orchard 7", "display_name": "A"},
    {"email": "a@b.io", "password": "plum orchard 7", "display_name": "A", "role": "admin"},
])
async def test_register_refuses_bad_input(deps, data) -> None:
    with pytest.raises(ValidationFailed):
        await accounts.register(deps, data)
    assert await User.count() == 0


async def test_banned_user_cannot_login_or_use_token(deps, users: Users) -> None:
    mod = await users.make("mod", role="moderator")
    token, user = await accounts.register(deps, {"email": "z@b.io", "password": "plum orchard 7",
                                                 "display_name": "Z"})
    await moderation.ban(deps, mod.id, user.id, {"reason": "spam"})
    with pytest.raises(Forbidden):
        await accounts.authenticate(token)
    with pytest.raises(Forbidden):
        await accounts.login(deps, {"email": "z@b.io", "password": "plum orchard 7"})


async def test_profile_update(deps, users: Users) -> None:
    user = await users.make("ann")
    updated = await accounts.update_profile(deps, user.id, {"bio": "Builds things",
                                                            "skills": ["Python", "rust"]})
    assert updated.bio == "Builds things" and updated.skills == ["python", "rust"]
    with pytest.raises(ValidationFailed):
        await accounts.update_profile(deps, user.id, {})
    with pytest.raises(ValidationFailed):
        await accounts.update_profile(deps, user.id, {"role": "admin"})
    with pytest.raises(Unauthorized):
        await accounts.update_profile(deps, "no-such-user", {"bio": "x"})


async def test_platform_user_is_created_once_and_link_code_moves_it(deps, users: Users) -> None:
    first = await accounts.platform_user(deps, "telegram", "777", "Tele Gram")
    second = await accounts.platform_user(deps, "telegram", "777", "Other name")
    assert first.id == second.id and first.email is None
    web_user = await users.make("web")
    code = await accounts.create_link_code(deps, web_user.id)
    assert len(code) == 8
    linked = await accounts.redeem_link_code(deps, "telegram", "777", code.lower())
    assert linked.id == web_user.id
    assert (await accounts.platform_user(deps, "telegram", "777", "x")).id == web_user.id
    with pytest.raises(NotFound):
        await accounts.redeem_link_code(deps, "discord", "1", code)  # used once only
    with pytest.raises(ValidationFailed):
        await accounts.redeem_link_code(deps, "discord", "1", "")
    identities = await PlatformIdentity.find({"user_id": web_user.id}).to_list()
    assert {i.platform for i in identities} == {"web", "telegram"}


async def test_expired_link_code_is_refused(deps, users: Users) -> None:
    from datetime import timedelta

    from domain.models.common import utcnow
    from domain.models.users import LinkCode

    user = await users.make("web")
    code = await accounts.create_link_code(deps, user.id)
    await update_where(LinkCode, {"user_id": user.id},
                       {"$set": {"expires_at": utcnow() - timedelta(seconds=1)}})
    with pytest.raises(NotFound):
        await accounts.redeem_link_code(deps, "slack", "U1", code)
