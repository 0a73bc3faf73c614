"""Property: whatever happens, the ledger equals what Stripe (localstripe + extension) holds:
charge - refunded - transferred, after every step of a random history."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from typing import Any

import localstripe.resources as ls
import pytest
import stripe
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from domain.deps import Deps
from domain.errors import DomainError
from domain.models.escrow import Escrow
from domain.models.users import Role, User
from domain.services import applications, challenges, escrow, escrow_settlement, payment_events
from domain.services import payouts as payout_service
from domain.storage import close_storage, open_storage
from openchance.bootstrap import build_deps
from openchance.settings import Settings
from tests.conftest import challenge_data
from tests.payments.conftest import WEBHOOK_SECRET
from tests.payments.fake_stripe import FakeStripe, start_fake_stripe

MILESTONES = [{"title": "One", "amount": 7_000}, {"title": "Two", "amount": 11_000},
              {"title": "Three", "amount": 12_000}]
STEPS = st.one_of(
    st.tuples(st.just("release"), st.integers(1, 3)),
    st.tuples(st.just("double_release"), st.integers(1, 3)),
    st.tuples(st.just("refund"), st.sampled_from(["owner", "moderator"])),
    st.tuples(st.just("dispute"), st.just(0)),
    st.tuples(st.just("resolve"), st.integers(0, 100)),
    st.tuples(st.just("dashboard_refund"), st.integers(1, 9_000)),
)


async def webhook(deps: Deps, event: dict[str, Any]) -> None:
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET)
    await payment_events.receive_stripe_webhook(deps, payload.encode(), header)


async def setup(deps: Deps, fake: FakeStripe) -> tuple[User, User, User, str]:
    owner, solver = User(display_name="owner"), User(display_name="solver")
    moderator = User(display_name="mod", role=Role.MODERATOR)
    for user in (owner, solver, moderator):
        await user.insert()
    challenge = await challenges.post_challenge(deps, owner.id,
                                                challenge_data(milestones=MILESTONES))
    application = await applications.apply(deps, solver.id, challenge.id, {"proposal": "p"})
    await applications.accept(deps, owner.id, application.id)
    account, _ = await payout_service.start_onboarding(deps, solver.id)
    await webhook(deps, fake.enable_payouts(account.account_ref or ""))
    _, url = await escrow.start_funding(deps, owner.id, challenge.id)
    await webhook(deps, fake.pay_session(url.rsplit("/", 1)[1]))
    return owner, solver, moderator, challenge.id


async def step(deps: Deps, fake: FakeStripe, who: tuple[User, User, User], challenge_id: str,
               action: str, arg: Any) -> None:
    owner, solver, moderator = who
    held = await Escrow.find_one({"challenge_id": challenge_id})
    assert held is not None
    if action == "release":
        await escrow.release_milestone(deps, owner.id, challenge_id, arg)
    elif action == "double_release":
        await asyncio.gather(*(escrow.release_milestone(deps, owner.id, challenge_id, arg)
                               for _ in range(2)), return_exceptions=True)
    elif action == "refund":
        actor = owner if arg == "owner" else moderator
        await escrow_settlement.refund(deps, actor.id, challenge_id)
    elif action == "dispute":
        await escrow_settlement.open_dispute(deps, solver.id, challenge_id, {"reason": "r"})
    elif action == "resolve":
        release = held.held * arg // 100
        await escrow_settlement.resolve_dispute(deps, moderator.id, challenge_id, {
            "release_amount": release, "refund_amount": held.held - release})
    elif action == "dashboard_refund":
        charge = ls.PaymentIntent._api_retrieve(held.ledger[0].reference).latest_charge
        room = charge.amount - charge.amount_refunded - sum(
            t["amount"] for t in fake.transfers)
        if room >= arg:
            ls.Refund(charge=charge.id, amount=arg)
            await webhook(deps, fake.event("charge.refunded", charge._export()))


async def assert_ledger_matches_stripe(fake: FakeStripe, challenge_id: str) -> None:
    found = await Escrow.find_one({"challenge_id": challenge_id})
    assert found is not None
    charge = ls.PaymentIntent._api_retrieve(found.ledger[0].reference).latest_charge
    transferred = sum(t["amount"] for t in fake.transfers
                      if t["transfer_group"] == challenge_id)
    assert found.held == charge.amount - charge.amount_refunded - transferred
    assert found.held >= 0


async def scenario(monkeypatch: pytest.MonkeyPatch, steps: list[tuple[str, Any]]) -> None:
    url, name = os.environ.get("MONGODB_URL"), f"openchance_test_{uuid.uuid4().hex[:12]}"
    client = await open_storage(url, name)
    fake, server = await start_fake_stripe(monkeypatch)
    deps = build_deps(Settings(_env_file=None, stripe_secret_key="sk_test_property",
                               stripe_api_base=fake.url, stripe_webhook_secret=WEBHOOK_SECRET))
    try:
        owner, solver, moderator, challenge_id = await setup(deps, fake)
        await assert_ledger_matches_stripe(fake, challenge_id)
        for action, arg in steps:
            try:
                await step(deps, fake, (owner, solver, moderator), challenge_id, action, arg)
                event(f"{action} done")
            except DomainError as refused:  # wrong state, frozen...: must move no money either
                event(f"{action} refused: {refused.code}")
            await assert_ledger_matches_stripe(fake, challenge_id)
    finally:
        await deps.gateway.close()  # type: ignore[attr-defined]
        await server.close()
        if url:
            await client.drop_database(name)
        await close_storage(client)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(STEPS, min_size=1, max_size=6))
def test_ledger_always_equals_what_stripe_holds(monkeypatch: pytest.MonkeyPatch,
                                                steps: list[tuple[str, Any]]) -> None:
    asyncio.run(scenario(monkeypatch, steps))
