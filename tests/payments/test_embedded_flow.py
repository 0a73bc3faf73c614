"""The embedded defaults over HTTP: the simulated checkout walks the real webhook path."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from yarl import URL

from domain.models.challenges import Challenge
from domain.models.payment_events import StripeEvent
from domain.models.users import Role
from tests.api.conftest import Members
from tests.payments.helpers import accepted_challenge, call


async def fund_simulated(client: TestClient, owner: Any, challenge_id: str) -> dict[str, Any]:
    funded = await call(client, "POST", f"/challenges/{challenge_id}/escrow/fund", owner)
    assert funded["escrow"]["state"] == "awaiting_funding"
    page = URL(funded["checkout_url"]).path
    shown = await client.get(page)
    text = await shown.text()
    assert shown.status == 200 and "Pay (simulated)" in text
    assert text.count("simulated") >= 4 and "300.00 USD" in text
    paid = await client.post(page)
    assert paid.status == 200, await paid.text()
    assert "simulated" in (await paid.text())
    return await call(client, "GET", f"/challenges/{challenge_id}/escrow", owner)


async def test_fund_submit_release_complete(client: TestClient, members: Members,
                                            gateway: Any) -> None:
    owner, solver, challenge_id = await accepted_challenge(client, members)
    escrow = await fund_simulated(client, owner, challenge_id)
    assert escrow["state"] == "funded" and escrow["held"] == {"amount": 30_000,
                                                              "currency": "usd"}
    # The payment arrived as a signed event through POST /api/v1/webhooks/stripe.
    events = await StripeEvent.find({}).to_list()
    assert [(e.type, e.status) for e in events] == [("checkout.session.completed",
                                                     "processed")]
    again = await client.post(URL((await call(
        client, "POST", f"/challenges/{challenge_id}/escrow/fund", owner, 409))
        .get("checkout_url", "/simulated-checkout/x")).path)
    assert again.status in (404, 409)  # nothing to pay twice
    milestone = await call(client, "POST", f"/challenges/{challenge_id}/milestones/1/submit",
                           solver, json={"note": "the plan"})
    assert milestone["state"] == "submitted" and milestone["n"] == 1
    await call(client, "POST", f"/challenges/{challenge_id}/milestones/1/release", solver, 403)
    partial = await call(client, "POST", f"/challenges/{challenge_id}/milestones/1/release",
                         owner)
    assert partial["state"] == "partially_released" and partial["held"]["amount"] == 20_000
    done = await call(client, "POST", f"/challenges/{challenge_id}/milestones/2/release", owner)
    assert done["state"] == "released" and done["held"]["amount"] == 0
    assert [e["kind"] for e in done["ledger"]] == ["fund", "release", "release"]
    assert (await Challenge.get(challenge_id)).state == "completed"
    assert sorted(amount for _, amount in gateway.transfers.values()) == [10_000, 20_000]


async def test_refund_of_the_remainder(client: TestClient, members: Members,
                                       gateway: Any) -> None:
    owner, _, challenge_id = await accepted_challenge(client, members)
    await fund_simulated(client, owner, challenge_id)
    await call(client, "POST", f"/challenges/{challenge_id}/milestones/1/release", owner)
    # Money was released: the challenger alone can no longer take the rest back.
    await call(client, "POST", f"/challenges/{challenge_id}/escrow/refund", owner, 403)
    moderator = await members.with_role("mod", Role.MODERATOR)
    refunded = await call(client, "POST", f"/challenges/{challenge_id}/escrow/refund",
                          moderator)
    assert refunded["state"] == "refunded" and refunded["held"]["amount"] == 0
    assert [(e["kind"], e["amount"]) for e in refunded["ledger"]] == [
        ("fund", 30_000), ("release", 10_000), ("refund", 20_000)]
    assert [m["state"] for m in refunded["milestones"]] == ["released", "refunded"]
    assert [amount for _, amount in gateway.refunds.values()] == [20_000]


async def test_owner_refunds_everything_before_any_release(client: TestClient,
                                                          members: Members) -> None:
    owner, _, challenge_id = await accepted_challenge(client, members)
    await fund_simulated(client, owner, challenge_id)
    refunded = await call(client, "POST", f"/challenges/{challenge_id}/escrow/refund", owner)
    assert refunded["state"] == "refunded" and refunded["ledger"][-1]["amount"] == 30_000
    assert (await Challenge.get(challenge_id)).state == "cancelled"


async def test_dispute_then_moderator_split(client: TestClient, members: Members,
                                            gateway: Any) -> None:
    owner, solver, challenge_id = await accepted_challenge(client, members)
    await fund_simulated(client, owner, challenge_id)
    outsider = await members.signup("outsider")
    await call(client, "POST", f"/challenges/{challenge_id}/escrow/dispute", outsider, 403,
               json={"reason": "me too"})
    await call(client, "POST", f"/challenges/{challenge_id}/escrow/dispute", solver, 400,
               json={})
    disputed = await call(client, "POST", f"/challenges/{challenge_id}/escrow/dispute", solver,
                          json={"reason": "the owner stopped answering"})
    assert disputed["state"] == "disputed" and disputed["dispute"]["opened_by"] == solver.id
    # Frozen: neither release nor refund moves money now.
    await call(client, "POST", f"/challenges/{challenge_id}/milestones/1/release", owner, 409)
    moderator = await members.with_role("mod", Role.MODERATOR)
    path = f"/mod/escrow/{challenge_id}/resolve"
    await call(client, "POST", path, owner, 403,
               json={"release_amount": 30_000, "refund_amount": 0})
    await call(client, "POST", path, moderator, 400,
               json={"release_amount": 20_000, "refund_amount": 5_000})
    resolved = await call(client, "POST", path, moderator,
                          json={"release_amount": 18_000, "refund_amount": 12_000})
    assert resolved["state"] == "refunded" and resolved["held"]["amount"] == 0
    assert resolved["dispute"]["resolution"] == {"release_amount": 18_000,
                                                 "refund_amount": 12_000}
    assert [amount for _, amount in gateway.transfers.values()] == [18_000]
    assert [amount for _, amount in gateway.refunds.values()] == [12_000]
    assert (await Challenge.get(challenge_id)).state == "completed"


async def test_simulated_pages_for_unknown_references(client: TestClient) -> None:
    resp = await client.get("/simulated-checkout/cs_sim_nope")
    assert resp.status == 404 and "simulated" in (await resp.text())
    resp = await client.post("/simulated-checkout/cs_sim_nope")
    assert resp.status == 404


async def test_simulated_payout_onboarding(client: TestClient, members: Members) -> None:
    solver = await members.signup("solver")
    assert (await call(client, "GET", "/me/payouts", solver))["account"] is None
    started = await call(client, "POST", "/me/payouts/onboard", solver)
    assert started["account"]["payouts_enabled"] is False
    page = URL(started["onboarding_url"]).path
    assert "Finish onboarding (simulated)" in await (await client.get(page)).text()
    assert (await client.post(page)).status == 200
    status = await call(client, "GET", "/me/payouts", solver)
    assert status["account"]["payouts_enabled"] is True
    again = await call(client, "POST", "/me/payouts/onboard", solver)
    assert again["account"]["account_ref"] == started["account"]["account_ref"]
