"""Input hygiene on every surface, odd paths, security headers, readiness, the listing's
visibility rules per filter, generic provider errors, and per-account login backoff."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from argon2 import PasswordHasher

from domain.errors import GatewayFailed, TooManyAttempts, Unauthorized, Unavailable
from domain.passwords import MAX_PENDING, hash_password, pending_hashes
from domain.services import accounts
from tests.api.conftest import API, Members, error_of, post_challenge
from tests.conftest import challenge_data
from tests.realtime.conftest import LiveServer

BAD_TEXT = {
    "a control character": "Fast\x07 importer",
    "a NUL": "Fast\x00importer",
    "a bidi override": "Invoice \u202etxt.exe",
    "a bidi isolate": "Fast \u2066importer\u2069",
    "only zero-width characters": "\u200b\u200c\u200d\u2060",
}


@pytest.mark.parametrize("what", sorted(BAD_TEXT))
async def test_bad_text_is_refused_with_a_clear_error(client: TestClient, members: Members,
                                                      what: str) -> None:
    owner = await members.signup("owner")
    resp = await client.post(f"{API}/challenges", headers=owner.auth,
                             json=challenge_data(title=BAD_TEXT[what]))
    error = await error_of(resp, 400)
    reason = error["fields"]["title"]
    assert "not allowed" in reason or "visible characters" in reason, reason
    resp = await client.patch(f"{API}/me", headers=owner.auth,
                              json={"display_name": BAD_TEXT[what]})
    assert (await error_of(resp, 400))["fields"]


async def test_descriptions_keep_their_lines_titles_stay_one_line(client: TestClient,
                                                                  members: Members) -> None:
    owner = await members.signup("owner")
    body = await post_challenge(client, owner, description="Line one\r\nLine two\tindented",
                                title="Right-to-left שלום and 👩‍💻")
    assert body["description"] == "Line one\nLine two\tindented"
    resp = await client.post(f"{API}/challenges", headers=owner.auth,
                             json=challenge_data(title="Two\nlines"))
    assert (await error_of(resp, 400))["fields"]["title"].endswith("must be a single line")


async def test_socket_messages_follow_the_same_rule(server: LiveServer,
                                                    pair: tuple[Any, Any, str]) -> None:
    alice, _bob, conversation_id = pair
    a = await server.client(alice)
    for body in ("\u200b\u200b", "hi \u202e", "bell\x07"):
        ack = await a.call("message:send", {"conversation_id": conversation_id, "body": body,
                                            "client_id": body})
        assert ack["ok"] is False and ack["error"]["code"] == "validation_error", ack
    ack = await a.call("message:send", {"conversation_id": conversation_id,
                                        "body": "two\nlines", "client_id": "ok"})
    assert ack["ok"] and ack["message"]["body"] == "two\nlines"


@pytest.mark.parametrize("path", ["/a%00b", "/api/v1/a%00b", "/api/v1/challenges/%00",
                                  "/assets/%01x.js", "/a%0ab"])
async def test_null_bytes_and_odd_paths_are_404(client: TestClient, path: str) -> None:
    resp = await client.get(path)
    assert resp.status == 404, await resp.text()


async def test_every_html_response_carries_the_security_headers(client: TestClient) -> None:
    pages = ["/", "/index.html", "/challenges/42", "/chat/7"]
    seen = {}
    for path in pages:
        resp = await client.get(path)
        assert resp.status == 200 and resp.content_type == "text/html", path
        seen[path] = {h: resp.headers.get(h) for h in (
            "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy")}
        assert all(seen[path].values()), (path, seen[path])
        assert "frame-ancestors 'none'" in seen[path]["Content-Security-Policy"]
    assert seen["/index.html"] == seen["/"]


async def test_the_simulated_checkout_page_has_them_too(client: TestClient,
                                                        members: Members) -> None:
    from tests.payments.helpers import accepted_challenge, call

    owner, _solver, challenge_id = await accepted_challenge(client, members)
    funded = await call(client, "POST", f"/challenges/{challenge_id}/escrow/fund", owner)
    page = await client.get(funded["checkout_url"].split("127.0.0.1", 1)[-1].split("/", 1)[-1]
                            .join(["/", ""]))
    assert page.status == 200 and page.content_type == "text/html"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"


async def test_readyz_reports_each_dependency(client: TestClient) -> None:
    resp = await client.get("/readyz")
    assert resp.status == 200
    assert await resp.json() == {"status": "ok", "checks": {
        "mongo": "embedded", "redis": "embedded", "search": "embedded"}}


async def test_filters_by_owner_or_solver_keep_unlisted_challenges_private(
        client: TestClient, members: Members) -> None:
    owner, stranger = await members.signup("owner"), await members.signup("stranger")
    moderator = await members.with_role("mod", "moderator")  # type: ignore[arg-type]
    public = await post_challenge(client, owner)
    unlisted = await post_challenge(client, owner, visibility="unlisted")

    async def listed(who: Any, query: str) -> set[str]:
        resp = await client.get(f"{API}/challenges?{query}",
                                headers=who.auth if who else {})
        assert resp.status == 200
        return {c["id"] for c in (await resp.json())["items"]}

    for viewer in (None, stranger):
        assert await listed(viewer, f"owner_id={owner.id}") == {public["id"]}
        assert await listed(viewer, f"solver_id={owner.id}&owner_id={owner.id}") == set()
    assert await listed(owner, f"owner_id={owner.id}") == {public["id"], unlisted["id"]}
    assert await listed(moderator, f"owner_id={owner.id}") == {public["id"], unlisted["id"]}
    # The owner's view is not served from the cache to the next viewer.
    assert await listed(stranger, f"owner_id={owner.id}") == {public["id"]}
    assert unlisted["id"] not in await listed(moderator, "")


async def test_provider_errors_are_logged_not_shown(client: TestClient, members: Members,
                                                    gateway: Any,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    from tests.payments.helpers import accepted_challenge

    owner, _solver, challenge_id = await accepted_challenge(client, members)

    async def failing(**_: Any) -> Any:
        raise GatewayFailed("stripe said: No such customer cus_SECRET123 (req_abc)")

    gateway.start_funding = failing
    resp = await client.post(f"{API}/challenges/{challenge_id}/escrow/fund",
                             headers=owner.auth)
    error = await error_of(resp, 502)
    assert "cus_SECRET123" not in error["message"] and "nothing was charged" in error["message"]
    assert "cus_SECRET123" in caplog.text


async def test_failed_logins_lock_the_account_with_backoff(deps: Any, users: Any) -> None:
    user = await users.make("victim")
    wrong = {"email": user.email, "password": "not it"}
    for _ in range(accounts.FREE_LOGIN_FAILURES):
        with pytest.raises(Unauthorized):
            await accounts.login(deps, wrong)
    with pytest.raises(TooManyAttempts) as locked:  # even the right password waits
        await accounts.login(deps, {"email": user.email, "password": "correct horse battery"})
    assert locked.value.details["retry_after"] == 1
    await asyncio.sleep(1.05)
    with pytest.raises(Unauthorized):
        await accounts.login(deps, wrong)  # the 6th failure: locked twice as long
    _, seconds = await deps.login_attempts.state(accounts._sha256(user.email))
    assert 1.5 < seconds <= 2
    # Unknown emails are throttled the same way (no account enumeration).
    ghost = {"email": "ghost@example.org", "password": "x"}
    for _ in range(accounts.FREE_LOGIN_FAILURES):
        with pytest.raises(Unauthorized):
            await accounts.login(deps, ghost)
    with pytest.raises(TooManyAttempts):
        await accounts.login(deps, ghost)


async def test_the_hashing_pool_is_bounded_and_off_the_loop() -> None:
    # Real argon2id, at a quarter of production's memory so the test stays quick.
    hasher = PasswordHasher(time_cost=2, memory_cost=16 * 1024, parallelism=1)
    ticks_while_hashing = 0

    async def tick() -> None:
        nonlocal ticks_while_hashing
        while True:
            await asyncio.sleep(0.002)
            if pending_hashes():
                ticks_while_hashing += 1

    ticker = asyncio.ensure_future(tick())
    jobs = [asyncio.ensure_future(hash_password(hasher, f"pw{i}"))
            for i in range(MAX_PENDING + 4)]
    results = await asyncio.gather(*jobs, return_exceptions=True)
    ticker.cancel()
    refused = [r for r in results if isinstance(r, Unavailable)]
    assert len(refused) == 4 and all("retry_after" in r.details for r in refused)
    assert all(isinstance(r, str) and r.startswith("$argon2id$") for r in results[:MAX_PENDING])
    # Hashed on the loop, nothing else could run until all were done.
    assert ticks_while_hashing >= 3
    assert pending_hashes() == 0
