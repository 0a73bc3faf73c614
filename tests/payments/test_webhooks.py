"""POST /api/v1/webhooks/stripe: signatures (made by the SDK), storage by id, idempotency,
events out of order."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import localstripe.resources as ls
from aiohttp.test_utils import TestClient

from domain.deps import Deps
from domain.events import EscrowChanged
from domain.models.escrow import Escrow
from domain.models.payment_events import StripeEvent
from domain.models.payouts import PayoutAccount
from tests.api.conftest import Members
from tests.payments.conftest import deliver
from tests.payments.fake_stripe import FakeStripe
from tests.payments.helpers import accepted_challenge, call


async def funding_started(client: TestClient, members: Members,
                          fake: FakeStripe) -> tuple[Any, str, str]:
    owner, _, challenge_id = await accepted_challenge(client, members)
    funded = await call(client, "POST", f"/challenges/{challenge_id}/escrow/fund", owner)
    return owner, challenge_id, funded["checkout_url"].rsplit("/", 1)[1]


def changes(deps: Deps) -> list[str]:
    return [type(e).__name__ for e in deps.bus.published if isinstance(e, EscrowChanged)]


def dispute_event(fake: FakeStripe, session_id: str, kind: str, status: str,
                  amount: int = 30_000) -> dict[str, Any]:
    intent = fake.intent_of(session_id)
    dispute = {"id": f"dp_{session_id[-8:]}", "object": "dispute", "amount": amount,
               "charge": intent.latest_charge.id, "payment_intent": intent.id,
               "reason": "fraudulent", "status": status}
    return fake.event(kind, dispute)


async def test_signature_checks(stripe_client: TestClient, stripe_members: Members,
                                fake_stripe: FakeStripe) -> None:
    _, challenge_id, session_id = await funding_started(stripe_client, stripe_members,
                                                        fake_stripe)
    event = fake_stripe.pay_session(session_id)
    wrong = await deliver(stripe_client, event, secret="whsec_someone_else")
    stale = await deliver(stripe_client, event, timestamp=int(time.time()) - 301)
    unsigned = await stripe_client.post("/api/v1/webhooks/stripe", json=event)
    for resp in (wrong, stale, unsigned):
        assert resp.status == 400
        assert (await resp.json())["error"]["code"] == "validation_error"
    assert "tolerance" in (await stale.json())["error"]["message"]
    assert await StripeEvent.find({}).count() == 0
    escrow = await Escrow.find_one({"challenge_id": challenge_id})
    assert escrow is not None and escrow.state == "awaiting_funding"
    valid = await deliver(stripe_client, event)
    assert valid.status == 200 and (await valid.json())["status"] == "processed"
    malformed = await deliver(stripe_client, {"id": "evt_1", "type": "x"})
    assert malformed.status == 400
    unused = await deliver(stripe_client, fake_stripe.event("customer.created", {"id": "c"}))
    assert (await unused.json())["status"] == "ignored"


async def test_same_event_three_times_concurrently_changes_state_once(
        stripe_client: TestClient, stripe_members: Members, fake_stripe: FakeStripe,
        stripe_deps: Deps) -> None:
    _, challenge_id, session_id = await funding_started(stripe_client, stripe_members,
                                                        fake_stripe)
    event = fake_stripe.pay_session(session_id)
    responses = await asyncio.gather(*(deliver(stripe_client, event) for _ in range(3)))
    bodies = [await r.json() for r in responses]
    assert [r.status for r in responses] == [200, 200, 200]
    assert sorted(b["duplicate"] for b in bodies) == [False, True, True]
    stored = await StripeEvent.get(event["id"])
    assert stored is not None and stored.status == "processed"
    escrow = await Escrow.find_one({"challenge_id": challenge_id})
    assert escrow is not None and escrow.state == "funded" and len(escrow.ledger) == 1
    assert changes(stripe_deps) == ["EscrowFunded"]
    later = await deliver(stripe_client, event)  # Stripe retries days later: still once
    assert (await later.json())["duplicate"] is True and changes(stripe_deps) == ["EscrowFunded"]


async def test_payment_intent_before_checkout_completed(
        stripe_client: TestClient, stripe_members: Members, fake_stripe: FakeStripe,
        stripe_deps: Deps) -> None:
    _, challenge_id, session_id = await funding_started(stripe_client, stripe_members,
                                                        fake_stripe)
    completed = fake_stripe.pay_session(session_id)
    intent = fake_stripe.event("payment_intent.succeeded",
                               fake_stripe.intent_of(session_id)._export())
    for event in (intent, completed):
        assert (await (await deliver(stripe_client, event)).json())["status"] == "processed"
    escrow = await Escrow.find_one({"challenge_id": challenge_id})
    assert escrow is not None and escrow.held == 30_000 and len(escrow.ledger) == 1
    assert changes(stripe_deps) == ["EscrowFunded"]


async def test_card_dispute_before_the_payment_is_replayed_after_it(
        stripe_client: TestClient, stripe_members: Members, fake_stripe: FakeStripe) -> None:
    _, challenge_id, session_id = await funding_started(stripe_client, stripe_members,
                                                        fake_stripe)
    completed = fake_stripe.pay_session(session_id)
    early = dispute_event(fake_stripe, session_id, "charge.dispute.created", "needs_response")
    assert (await (await deliver(stripe_client, early)).json())["status"] == "deferred"
    assert (await (await deliver(stripe_client, completed)).json())["status"] == "processed"
    escrow = await Escrow.find_one({"challenge_id": challenge_id})
    assert escrow is not None and escrow.state == "disputed"
    assert escrow.dispute is not None and escrow.dispute.card_dispute
    assert (await StripeEvent.get(early["id"])).status == "processed"


async def test_lost_dispute_closed_before_created(stripe_client: TestClient,
                                                  stripe_members: Members,
                                                  fake_stripe: FakeStripe) -> None:
    _, challenge_id, session_id = await funding_started(stripe_client, stripe_members,
                                                        fake_stripe)
    await deliver(stripe_client, fake_stripe.pay_session(session_id))
    created = dispute_event(fake_stripe, session_id, "charge.dispute.created", "needs_response")
    closed = dispute_event(fake_stripe, session_id, "charge.dispute.closed", "lost")
    assert (await (await deliver(stripe_client, closed)).json())["status"] == "processed"
    late = await (await deliver(stripe_client, created)).json()
    assert late["status"] == "ignored"
    escrow = await Escrow.find_one({"challenge_id": challenge_id})
    assert escrow is not None and escrow.state == "refunded" and escrow.held == 0
    assert [(e.kind, e.amount) for e in escrow.ledger] == [("fund", 30_000),
                                                           ("refund", 30_000)]


async def test_refund_made_in_the_dashboard_freezes_and_is_counted_once(
        stripe_client: TestClient, stripe_members: Members, fake_stripe: FakeStripe) -> None:
    _, challenge_id, session_id = await funding_started(stripe_client, stripe_members,
                                                        fake_stripe)
    await deliver(stripe_client, fake_stripe.pay_session(session_id))
    charge = fake_stripe.intent_of(session_id).latest_charge
    ls.Refund(charge=charge.id, amount=5_000)  # someone refunds part in Stripe's dashboard
    for _ in range(2):  # two events (distinct ids) reporting the same refunded total
        event = fake_stripe.event("charge.refunded", charge._export())
        assert (await (await deliver(stripe_client, event)).json())["status"] == "processed"
    escrow = await Escrow.find_one({"challenge_id": challenge_id})
    assert escrow is not None and escrow.held == 25_000 and escrow.state == "disputed"
    assert [(e.kind, e.amount) for e in escrow.ledger] == [("fund", 30_000),
                                                           ("refund", 5_000)]


async def test_account_updates_out_of_order_keep_the_newest(
        stripe_client: TestClient, stripe_members: Members, fake_stripe: FakeStripe) -> None:
    solver = await stripe_members.signup("solver")
    started = await call(stripe_client, "POST", "/me/payouts/onboard", solver)
    account_id = started["account"]["account_ref"]
    now = int(time.time())
    newer = fake_stripe.enable_payouts(account_id, enabled=False, created=now)
    older = fake_stripe.enable_payouts(account_id, enabled=True, created=now - 60)
    assert (await (await deliver(stripe_client, newer)).json())["status"] == "processed"
    assert (await (await deliver(stripe_client, older)).json())["status"] == "ignored"
    record = await PayoutAccount.find_one({"account_ref": account_id})
    assert record is not None and record.payouts_enabled is False and record.status_at == now
