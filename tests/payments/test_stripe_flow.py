"""The Stripe adapter through the real ``stripe`` SDK, over HTTP, against localstripe."""

from __future__ import annotations

import asyncio
from collections import Counter

from aiohttp.test_utils import TestClient

from domain.deps import Deps
from domain.models.payment_operations import PaymentOperation
from domain.models.payouts import PayoutAccount
from tests.api.conftest import Member, Members
from tests.payments.conftest import deliver
from tests.payments.fake_stripe import FakeStripe
from tests.payments.helpers import accepted_challenge, call


async def fund_with_stripe(client: TestClient, fake: FakeStripe, owner: Member,
                           challenge_id: str) -> str:
    funded = await call(client, "POST", f"/challenges/{challenge_id}/escrow/fund", owner)
    assert funded["checkout_url"].startswith(fake.url + "/pay/cs_test_")
    session_id = funded["checkout_url"].rsplit("/", 1)[1]
    session = fake.sessions[session_id]
    assert session["amount_total"] == 30_000 and session["currency"] == "usd"
    assert session["_payment_intent_data"]["transfer_group"] == challenge_id
    assert session["metadata"]["escrow_id"] == funded["escrow"]["id"]
    resp = await deliver(client, fake.pay_session(session_id))
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["status"] == "processed"
    return session_id


async def onboard(client: TestClient, fake: FakeStripe, solver: Member) -> str:
    started = await call(client, "POST", "/me/payouts/onboard", solver)
    account_id = started["account"]["account_ref"]
    assert started["onboarding_url"] == f"{fake.url}/onboard/{account_id}"
    assert fake.accounts[account_id]["metadata"] == {"user_id": solver.id}
    resp = await deliver(client, fake.enable_payouts(account_id))
    assert (await resp.json())["status"] == "processed"
    return account_id


async def test_fund_onboard_release_refund(stripe_client: TestClient,
                                           stripe_members: Members, fake_stripe: FakeStripe,
                                           stripe_deps: Deps) -> None:
    client, fake = stripe_client, fake_stripe
    owner, solver, challenge_id = await accepted_challenge(client, stripe_members)
    session_id = await fund_with_stripe(client, fake, owner, challenge_id)
    escrow = await call(client, "GET", f"/challenges/{challenge_id}/escrow", solver)
    intent = fake.intent_of(session_id)
    assert escrow["state"] == "funded" and escrow["ledger"][0]["reference"] == intent.id

    # No connected account with payouts yet: nothing is sent, the milestone is untouched.
    refused = await call(client, "POST", f"/challenges/{challenge_id}/milestones/1/release",
                         owner, 502)
    assert "onboarding" in refused["error"]["message"] and fake.transfers == []
    account_id = await onboard(client, fake, solver)
    released = await call(client, "POST", f"/challenges/{challenge_id}/milestones/1/release",
                          owner)
    assert released["state"] == "partially_released"
    [transfer] = fake.transfers
    assert transfer["amount"] == 10_000 and transfer["destination"] == account_id
    assert transfer["source_transaction"] == intent.latest_charge.id
    assert transfer["transfer_group"] == challenge_id
    assert released["ledger"][-1]["reference"] == transfer["id"]

    moderator_refund = await call(client, "POST", f"/challenges/{challenge_id}/escrow/refund",
                                  owner, 403)
    assert moderator_refund["error"]["code"] == "forbidden"
    await call(client, "POST", f"/challenges/{challenge_id}/escrow/dispute", solver,
               json={"reason": "scope changed"})
    moderator = await stripe_members.with_role("mod", "moderator")
    resolved = await call(client, "POST", f"/mod/escrow/{challenge_id}/resolve", moderator,
                          json={"release_amount": 5_000, "refund_amount": 15_000})
    assert resolved["state"] == "refunded" and resolved["held"]["amount"] == 0
    [refund] = fake.refunds()
    assert refund.amount == 15_000 and refund.payment_intent == intent.id
    assert [t["amount"] for t in fake.transfers] == [10_000, 5_000]

    # Every money-moving call carried the key stored (unique) before it was made.
    posts = [(path, key) for method, path, key in fake.requests if method == "POST"]
    assert all(key for _, key in posts), posts
    stored = {op.idempotency_key async for op in PaymentOperation.find({})}
    money_keys = {key for path, key in posts
                  if path in ("/v1/checkout/sessions", "/v1/transfers", "/v1/refunds")}
    assert money_keys <= stored and len(money_keys) == 4
    record = await PayoutAccount.find_one({"user_id": solver.id})
    assert record is not None and (
        "/v1/accounts", record.idempotency_key) in posts


async def test_100_concurrent_releases_make_one_transfer(stripe_client: TestClient,
                                                         stripe_members: Members,
                                                         fake_stripe: FakeStripe) -> None:
    client, fake = stripe_client, fake_stripe
    owner, solver, challenge_id = await accepted_challenge(client, stripe_members)
    await fund_with_stripe(client, fake, owner, challenge_id)
    await onboard(client, fake, solver)
    path = f"/api/v1/challenges/{challenge_id}/milestones/2/release"

    async def release() -> int:
        resp = await client.post(path, headers=owner.auth)
        await resp.read()
        return resp.status

    statuses = Counter(await asyncio.gather(*(release() for _ in range(100))))
    assert statuses == {200: 100}  # one decision; every caller gets its result
    assert [t["amount"] for t in fake.transfers] == [20_000]
    escrow = await call(client, "GET", f"/challenges/{challenge_id}/escrow", owner)
    assert [e["kind"] for e in escrow["ledger"]] == ["fund", "release"]
    assert escrow["held"]["amount"] == 10_000


async def test_checkout_is_not_created_twice(stripe_client: TestClient, stripe_members: Members,
                                             fake_stripe: FakeStripe) -> None:
    client = stripe_client
    owner, _, challenge_id = await accepted_challenge(client, stripe_members)
    first = await call(client, "POST", f"/challenges/{challenge_id}/escrow/fund", owner)
    second = await call(client, "POST", f"/challenges/{challenge_id}/escrow/fund", owner)
    assert first["checkout_url"] == second["checkout_url"] and len(fake_stripe.sessions) == 1
