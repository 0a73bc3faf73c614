"""Reconciliation, unexpected payments, the payments history and the simulated checkout page,
on the embedded defaults over HTTP (the offline gateway walks Stripe's webhook path)."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from yarl import URL

from domain.adapters.offline_gateway import OfflineGateway
from domain.deps import Deps
from domain.models.escrow import Escrow
from domain.models.payment_operations import MoneyFlag
from domain.services import escrow as escrow_service
from domain.services.escrow_reconciliation import reconcile
from tests.api.conftest import Members
from tests.payments.helpers import accepted_challenge, call


async def fund(client: TestClient, owner: Any, challenge_id: str) -> str:
    funded = await call(client, "POST", f"/challenges/{challenge_id}/escrow/fund", owner)
    page = URL(funded["checkout_url"]).path
    assert (await client.post(page)).status == 200
    return page


async def test_checkout_page_is_styled_secured_and_links_back(client: TestClient,
                                                              members: Members) -> None:
    owner, _, challenge_id = await accepted_challenge(client, members)
    funded = await call(client, "POST", f"/challenges/{challenge_id}/escrow/fund", owner)
    page = URL(funded["checkout_url"]).path
    # The reference is random, not derived from the escrow: no one guesses another's page.
    assert page.startswith("/simulated-checkout/cs_sim_") and funded["escrow"]["id"] not in page
    shown = await client.get(page)
    text = await shown.text()
    challenge = await call(client, "GET", f"/challenges/{challenge_id}")
    assert challenge["title"] in text and f"href='/challenges/{challenge_id}'" in text
    assert "300.00 USD" in text and "<style" not in text
    assert "frame-ancestors 'none'" in shown.headers["Content-Security-Policy"]
    assert shown.headers["X-Content-Type-Options"] == "nosniff"
    css = await client.get("/simulated-pages.css")
    assert css.status == 200 and css.content_type == "text/css"


async def test_simulated_payment_goes_to_the_server_not_to_the_host_header(
        client: TestClient, members: Members) -> None:
    owner, _, challenge_id = await accepted_challenge(client, members)
    funded = await call(client, "POST", f"/challenges/{challenge_id}/escrow/fund", owner)
    page = URL(funded["checkout_url"]).path
    # A forged Host would make a Host-based delivery go elsewhere (and the payment fail).
    paid = await client.post(page, headers={"Host": "attacker.invalid:9"})
    assert paid.status == 200, await paid.text()
    escrow = await call(client, "GET", f"/challenges/{challenge_id}/escrow", owner)
    assert escrow["state"] == "funded"


async def test_reconciliation_finds_what_the_ledger_lacks(client: TestClient, members: Members,
                                                          deps: Deps,
                                                          gateway: OfflineGateway) -> None:
    owner, _, challenge_id = await accepted_challenge(client, members)
    await fund(client, owner, challenge_id)
    await call(client, "POST", f"/challenges/{challenge_id}/milestones/1/release", owner)
    report = await reconcile(deps)
    assert report.checked == 1 and report.mismatched == []
    # A transfer the ledger does not know about (made outside OpenChance, say).
    escrow = await Escrow.find_one({"challenge_id": challenge_id})
    assert escrow is not None
    await gateway.transfer(escrow_id=escrow.id, challenge_id=challenge_id, payee_id="x",
                           amount=500, currency="usd", source_reference=None,
                           idempotency_key="made-by-hand")
    report = await reconcile(deps)
    assert report.mismatched == [f"{escrow.id}:transfer"]
    moderator = await members.with_role("mod", "moderator")
    await call(client, "GET", "/mod/reconciliation", owner, 403)
    seen = await call(client, "GET", "/mod/reconciliation", moderator)
    [flag] = seen["items"]
    assert flag["kind"] == "mismatch" and flag["challenge_id"] == challenge_id
    assert flag["details"] == {"aspect": "transfer", "ledger": 10_000, "gateway": 10_500}
    await reconcile(deps)  # found again: still one flag
    assert await MoneyFlag.find({}).count() == 1
    del gateway.transfers["made-by-hand"]
    await reconcile(deps)
    assert (await call(client, "GET", "/mod/reconciliation", moderator))["items"] == []


async def test_a_second_payment_is_flagged_and_given_back(client: TestClient,
                                                          members: Members, deps: Deps,
                                                          gateway: OfflineGateway) -> None:
    owner, _, challenge_id = await accepted_challenge(client, members)
    await fund(client, owner, challenge_id)
    escrow = await Escrow.find_one({"challenge_id": challenge_id})
    assert escrow is not None
    # A second payment for the already funded escrow (a second tab's checkout, say).
    gateway.record_payment("pi_sim_second", escrow_id=escrow.id, amount=30_000,
                           currency="usd")
    after = await escrow_service.confirm_funding(deps, escrow.id, amount=30_000,
                                                 currency="usd", reference="pi_sim_second")
    assert [e.kind for e in after.ledger] == ["fund", "unexpected", "returned"]
    assert after.held == 30_000 and after.unexpected_held == 0 and after.state == "funded"
    assert [a for _, a in gateway.refunds.values()] == [30_000]
    [flag] = await MoneyFlag.find({}).to_list()
    assert flag.kind == "unexpected_payment" and "already funded" in flag.message
    # Delivered again: nothing more is given back.
    again = await escrow_service.confirm_funding(deps, escrow.id, amount=30_000,
                                                 currency="usd", reference="pi_sim_second")
    assert again.ledger == after.ledger and len(gateway.refunds) == 1
    assert (await reconcile(deps)).mismatched == []


async def test_a_payment_whose_webhook_was_lost_is_found(client: TestClient, members: Members,
                                                         deps: Deps,
                                                         gateway: OfflineGateway) -> None:
    owner, _, challenge_id = await accepted_challenge(client, members)
    funded = await call(client, "POST", f"/challenges/{challenge_id}/escrow/fund", owner)
    gateway.record_payment("pi_sim_lost", escrow_id=funded["escrow"]["id"], amount=30_000,
                           currency="usd")
    report = await reconcile(deps)
    assert report.recovered_payments == ["pi_sim_lost"] and report.mismatched == []
    escrow = await call(client, "GET", f"/challenges/{challenge_id}/escrow", owner)
    assert escrow["state"] == "funded"


async def test_my_payments_lists_every_movement(client: TestClient, members: Members,
                                                deps: Deps) -> None:
    deps.platform_fee_bps = 1000
    owner, solver, challenge_id = await accepted_challenge(client, members)
    await fund(client, owner, challenge_id)
    await call(client, "POST", f"/challenges/{challenge_id}/milestones/1/release", owner)
    moderator = await members.with_role("mod", "moderator")
    await call(client, "POST", f"/challenges/{challenge_id}/escrow/refund", moderator)
    mine = await call(client, "GET", "/me/payments", owner)
    assert [(i["kind"], i["amount"]["amount"]) for i in mine["items"]] == [
        ("refunded", 20_000), ("released", 10_000), ("funded", 30_000)]
    assert mine["next_cursor"] is None and mine["items"][0]["challenge_id"] == challenge_id
    theirs = await call(client, "GET", "/me/payments", solver)
    assert sorted((i["kind"], i["amount"]["amount"]) for i in theirs["items"]) == [
        ("fee", 1_000), ("received", 9_000)]
    await call(client, "GET", "/me/payments?cursor=nonsense", owner, 400)
    await call(client, "GET", "/me/payments", None, 401)


async def test_my_payments_pages_with_a_cursor(client: TestClient, members: Members,
                                               monkeypatch: Any) -> None:
    from domain.services import escrow_history

    monkeypatch.setattr(escrow_history, "PAGE_SIZE", 2)
    owner, _, challenge_id = await accepted_challenge(client, members)
    await fund(client, owner, challenge_id)
    for n in (1, 2):
        await call(client, "POST", f"/challenges/{challenge_id}/milestones/{n}/release", owner)
    seen, cursor = [], ""
    for _ in range(3):
        page = await call(client, "GET", f"/me/payments{'?cursor=' + cursor if cursor else ''}",
                          owner)
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [i["kind"] for i in seen] == ["released", "released", "funded"]


def test_real_stripe_on_the_memory_store_refuses_to_start() -> None:
    from domain.services.escrow_guard import ephemeral_money_refusal
    from openchance.cli import build_parser

    refusal = ephemeral_money_refusal(real_payments=True, durable_store=False,
                                      allow_ephemeral_money=False)
    assert refusal and "MONGODB_URL" in refusal and "--allow-ephemeral-money" in refusal
    assert ephemeral_money_refusal(real_payments=True, durable_store=False,
                                   allow_ephemeral_money=True) is None
    assert ephemeral_money_refusal(real_payments=True, durable_store=True,
                                   allow_ephemeral_money=False) is None
    assert ephemeral_money_refusal(real_payments=False, durable_store=False,
                                   allow_ephemeral_money=False) is None
    args = build_parser().parse_args(["serve", "--allow-ephemeral-money"])
    assert args.allow_ephemeral_money is True


async def test_serve_refuses_stripe_keys_on_the_memory_store(monkeypatch: Any) -> None:
    import asyncio
    import os
    import sys

    env = {**os.environ, "STRIPE_SECRET_KEY": "sk_test_x"}
    env.pop("MONGODB_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "from openchance.cli import main; raise SystemExit("
        "main(['serve', '--port', '1']))",
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode == 2 and b"--allow-ephemeral-money" in err
