"""Account tests: the app over real HTTP whose mailer talks SMTP to a real server (aiosmtpd)
that the tests read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from domain.adapters.smtp_mailer import SmtpMailer
from domain.deps import Deps
from tests.accounts.smtp_server import Mailbox, start_smtp
from tests.api.conftest import API, PASSWORD, Member, Members, make_app

__all__ = ["API", "PASSWORD", "Member"]


@pytest.fixture
async def mailbox() -> AsyncIterator[Mailbox]:
    box = Mailbox()
    server, port = await start_smtp(box)
    box.url = f"smtp://127.0.0.1:{port}?starttls=never"
    yield box
    server.close()
    await server.wait_closed()


@pytest.fixture
def smtp_deps(deps: Deps, mailbox: Mailbox) -> Deps:
    deps.mailer = SmtpMailer(mailbox.url)
    deps.public_url = "http://openchance.test"
    return deps


@pytest.fixture
async def client(aiohttp_client: Any, smtp_deps: Deps, storage: Any) -> TestClient:
    return await aiohttp_client(make_app(smtp_deps, storage))


@pytest.fixture
def members(client: TestClient, users: Any) -> Members:
    return Members(client, users)


async def verified(client: TestClient, members: Members, mailbox: Mailbox,
                   name: str) -> Member:
    """A member who signed up and opened the verification link."""
    member = await members.signup(name)
    mail = await mailbox.wait_for(member.email)
    resp = await client.post(f"{API}/auth/verify", json={"token": mail.token("/verify-email")})
    assert resp.status == 200, await resp.text()
    return member
