from __future__ import annotations

import pytest

from domain.errors import (
    Conflict,
    Forbidden,
    GatewayFailed,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from domain.events import EscrowChanged, EscrowFunded, MilestoneReleased, MilestoneSubmitted
from domain.models.challenges import Challenge
from domain.models.chat import Notification
from domain.models.escrow import Escrow
from domain.models.payment_operations import PaymentOperation
from domain.services import escrow, escrow_settlement
from tests.conftest import Users
from tests.domain.escrow_helpers import accepted_challenge, fund


async def test_full_flow_fund_submit_release_complete(deps, users: Users, gateway) -> None:
    alice, bob, challenge = await accepted_challenge(deps, users)
    started, url = await escrow.start_funding(deps, alice.id, challenge.id)
    assert started.state == "awaiting_funding" and "simulated-checkout" in url
    again, url_again = await escrow.start_funding(deps, alice.id, challenge.id)
    assert again.id == started.id and url_again == url  # a double click: same checkout
    funded = await escrow.confirm_funding(deps, started.id, amount=30_000, currency="usd",
                                          reference="pi_1")
    assert funded.state == "funded" and funded.held == 30_000
    repeat = await escrow.confirm_funding(deps, started.id, amount=30_000, currency="usd",
                                          reference="pi_1")
    assert repeat.version == funded.version and len(repeat.ledger) == 1
    milestone = await escrow.submit_milestone(deps, bob.id, challenge.id, 1, {"note": "plan.md"})
    assert milestone.state == "submitted" and milestone.note == "plan.md"
    partial = await escrow.release_milestone(deps, alice.id, challenge.id, 1)
    assert partial.state == "partially_released" and partial.held == 20_000
    done = await escrow.release_milestone(deps, alice.id, challenge.id, 2)
    assert done.state == "released" and done.held == 0
    assert (await Challenge.get(challenge.id)).state == "completed"
    assert sorted(a for _, a in gateway.transfers.values()) == [10_000, 20_000]
    keys = {op.idempotency_key async for op in PaymentOperation.find({})}
    assert keys == {f"escrow:{done.id}:fund", f"escrow:{done.id}:release:1",
                    f"escrow:{done.id}:release:2"}
    facts = [e for e in deps.bus.published if isinstance(e, EscrowChanged)]
    assert [type(e) for e in facts] == [EscrowFunded, MilestoneSubmitted, MilestoneReleased,
                                        MilestoneReleased]
    assert [(e.milestone, e.amount) for e in facts[2:]] == [(1, 10_000), (2, 20_000)]
    kinds = {n.kind async for n in Notification.find({"user_id": bob.id})}
    assert {"application.accepted", "escrow.funded", "escrow.released"} <= kinds


async def test_platform_fee_is_kept_from_transfers(deps, users: Users, gateway) -> None:
    deps.platform_fee_bps = 1000  # 10 %
    alice, _, challenge = await accepted_challenge(deps, users)
    await fund(deps, alice.id, challenge.id)
    released = await escrow.release_milestone(deps, alice.id, challenge.id, 2)
    assert [amount for _, amount in gateway.transfers.values()] == [18_000]
    entry = released.ledger[-1]
    assert entry.amount == 20_000 and entry.fee == 2_000 and released.held == 10_000


async def test_permissions(deps, users: Users) -> None:
    alice, bob, challenge = await accepted_challenge(deps, users)
    stranger = await users.make("eve")
    with pytest.raises(Forbidden):
        await escrow.start_funding(deps, bob.id, challenge.id)
    with pytest.raises(NotFound):
        await escrow.get_escrow(alice.id, challenge.id)  # nothing funded yet
    await fund(deps, alice.id, challenge.id)
    with pytest.raises(Forbidden):
        await escrow.get_escrow(stranger.id, challenge.id)
    assert (await escrow.get_escrow(bob.id, challenge.id)).state == "funded"
    with pytest.raises(Forbidden):
        await escrow.submit_milestone(deps, alice.id, challenge.id, 1, {"note": "x"})
    with pytest.raises(Forbidden):
        await escrow.submit_milestone(deps, stranger.id, challenge.id, 1, {"note": "x"})
    with pytest.raises(Forbidden):
        await escrow.release_milestone(deps, bob.id, challenge.id, 1)
    with pytest.raises(Forbidden):
        await escrow_settlement.refund(deps, bob.id, challenge.id)
    with pytest.raises(Forbidden):
        await escrow_settlement.open_dispute(deps, stranger.id, challenge.id, {"reason": "x"})
    with pytest.raises(Forbidden):
        await escrow_settlement.resolve_dispute(deps, alice.id, challenge.id,
                                                {"release_amount": 0, "refund_amount": 0})


async def test_refused_transitions(deps, users: Users) -> None:
    alice, bob, challenge = await accepted_challenge(deps, users)
    started, _ = await escrow.start_funding(deps, alice.id, challenge.id)
    with pytest.raises(InvalidTransition):  # not funded yet
        await escrow.release_milestone(deps, alice.id, challenge.id, 1)
    with pytest.raises(InvalidTransition):
        await escrow.submit_milestone(deps, bob.id, challenge.id, 1, {"note": "early"})
    with pytest.raises(InvalidTransition):
        await escrow_settlement.refund(deps, alice.id, challenge.id)
    with pytest.raises(InvalidTransition):
        await escrow_settlement.open_dispute(deps, bob.id, challenge.id, {"reason": "x"})
    # Paid the wrong amount: not funding; recorded, flagged and given back at once.
    wrong = await escrow.confirm_funding(deps, started.id, amount=1, currency="usd",
                                         reference="pi_wrong")
    assert wrong.state == "awaiting_funding" and wrong.unexpected_held == 0
    assert [e.kind for e in wrong.ledger] == ["unexpected", "returned"]
    await escrow.confirm_funding(deps, started.id, amount=30_000, currency="usd", reference="r")
    with pytest.raises(InvalidTransition):
        await escrow.start_funding(deps, alice.id, challenge.id)
    first = await escrow.release_milestone(deps, alice.id, challenge.id, 1)
    again = await escrow.release_milestone(deps, alice.id, challenge.id, 1)  # the same decision
    assert again.ledger == first.ledger and again.total("release") == 10_000
    with pytest.raises(InvalidTransition):
        await escrow.submit_milestone(deps, bob.id, challenge.id, 1, {"note": "late"})
    with pytest.raises(NotFound):
        await escrow.release_milestone(deps, alice.id, challenge.id, 3)
    with pytest.raises(ValidationFailed):
        await escrow.release_milestone(deps, alice.id, challenge.id, "1")
    with pytest.raises(Forbidden):  # something was released: the owner alone cannot refund
        await escrow_settlement.refund(deps, alice.id, challenge.id)
    await escrow.release_milestone(deps, alice.id, challenge.id, 2)
    with pytest.raises(InvalidTransition):
        await escrow_settlement.open_dispute(deps, bob.id, challenge.id, {"reason": "x"})


async def test_owner_refund_before_release_cancels_challenge(deps, users: Users, gateway) -> None:
    alice, _, challenge = await accepted_challenge(deps, users)
    await fund(deps, alice.id, challenge.id)
    refunded = await escrow_settlement.refund(deps, alice.id, challenge.id)
    assert refunded.state == "refunded" and refunded.held == 0
    assert [a for _, a in gateway.refunds.values()] == [30_000]
    assert {m.state for m in refunded.milestones} == {"refunded"}
    assert (await Challenge.get(challenge.id)).state == "cancelled"
    again = await escrow_settlement.refund(deps, alice.id, challenge.id)  # its first result
    assert again.ledger == refunded.ledger and len(gateway.refunds) == 1


async def test_moderator_refunds_remainder_after_partial_release(deps, users: Users) -> None:
    alice, _, challenge = await accepted_challenge(deps, users)
    mod = await users.make("mod", role="moderator")
    await fund(deps, alice.id, challenge.id)
    await escrow.release_milestone(deps, alice.id, challenge.id, 1)
    refunded = await escrow_settlement.refund(deps, mod.id, challenge.id, "solver vanished")
    assert refunded.state == "refunded" and refunded.total("refund") == 20_000
    assert (await Challenge.get(challenge.id)).state == "completed"


async def test_dispute_freezes_and_moderator_splits(deps, users: Users, gateway) -> None:
    alice, bob, challenge = await accepted_challenge(deps, users)
    mod = await users.make("mod", role="moderator")
    await fund(deps, alice.id, challenge.id)
    disputed = await escrow_settlement.open_dispute(deps, bob.id, challenge.id,
                                                    {"reason": "work delivered, not paid"})
    assert disputed.state == "disputed" and disputed.dispute.state_before == "funded"
    with pytest.raises(InvalidTransition):
        await escrow.release_milestone(deps, alice.id, challenge.id, 1)
    with pytest.raises(Conflict):
        await escrow_settlement.open_dispute(deps, alice.id, challenge.id, {"reason": "no"})
    with pytest.raises(ValidationFailed):  # must add up to what is held
        await escrow_settlement.resolve_dispute(deps, mod.id, challenge.id,
                                                {"release_amount": 1, "refund_amount": 1})
    resolved = await escrow_settlement.resolve_dispute(
        deps, mod.id, challenge.id, {"release_amount": 18_000, "refund_amount": 12_000})
    assert resolved.state == "refunded" and resolved.held == 0
    assert resolved.total("release") == 18_000 and resolved.total("refund") == 12_000
    assert resolved.dispute.resolution == {"release_amount": 18_000, "refund_amount": 12_000}
    assert (await Challenge.get(challenge.id)).state == "completed"
    with pytest.raises(Conflict, match="another money decision"):  # a different one: 409
        await escrow_settlement.resolve_dispute(deps, mod.id, challenge.id,
                                                {"release_amount": 0, "refund_amount": 0})
    again = await escrow_settlement.resolve_dispute(  # the same one: its first result
        deps, mod.id, challenge.id, {"release_amount": 18_000, "refund_amount": 12_000})
    assert again.ledger == resolved.ledger
    from domain.services.moderation_log import audit_trail

    assert [e.action for e in await audit_trail("challenge", challenge.id)] == ["escrow.resolve"]


async def test_card_dispute_freezes_idempotently(deps, users: Users) -> None:
    alice, _, challenge = await accepted_challenge(deps, users)
    funded = await fund(deps, alice.id, challenge.id)
    first = await escrow_settlement.freeze_for_card_dispute(deps, funded.id, "chargeback")
    second = await escrow_settlement.freeze_for_card_dispute(deps, funded.id, "chargeback")
    assert first.state == second.state == "disputed" and first.version == second.version


class FailingGateway:
    """Refuses every transfer, as a provider outage would."""

    def __init__(self, inner) -> None:
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    async def transfer(self, **_: object) -> str:
        raise RuntimeError("provider down")


async def test_gateway_failure_moves_nothing_and_can_be_retried(deps, users: Users,
                                                                gateway) -> None:
    alice, _, challenge = await accepted_challenge(deps, users)
    await fund(deps, alice.id, challenge.id)
    deps.gateway = FailingGateway(gateway)
    with pytest.raises(GatewayFailed):
        await escrow.release_milestone(deps, alice.id, challenge.id, 1)
    stored = await Escrow.find_one({"challenge_id": challenge.id})
    assert stored.milestones[0].state == "pending" and stored.held == 30_000
    deps.gateway = gateway
    released = await escrow.release_milestone(deps, alice.id, challenge.id, 1)
    assert released.milestones[0].state == "released" and len(gateway.transfers) == 1


async def test_auto_refund_of_stale_unaccepted_escrow(deps, users: Users, gateway) -> None:
    from domain.services import challenges
    from domain.services.common import update_where
    from tests.conftest import challenge_data

    alice = await users.make("alice")
    open_challenge = await challenges.post_challenge(deps, alice.id, challenge_data())
    funded = await fund(deps, alice.id, open_challenge.id)
    assert await escrow_settlement.auto_refund_stale(deps) == []  # not stale yet
    from datetime import timedelta

    from domain.models.common import utcnow

    await update_where(Escrow, {"_id": funded.id},
                       {"$set": {"updated_at": utcnow() - timedelta(days=30)}})
    assert await escrow_settlement.auto_refund_stale(deps) == [funded.id]
    assert (await Escrow.get(funded.id)).state == "refunded"
    assert (await Challenge.get(open_challenge.id)).state == "cancelled"


async def test_money_locks_the_reward_and_blocks_a_plain_cancel(deps, users: Users) -> None:
    from domain.services import challenges
    from tests.conftest import challenge_data

    alice = await users.make("alice")
    posted = await challenges.post_challenge(deps, alice.id, challenge_data())
    await escrow.start_funding(deps, alice.id, posted.id)
    with pytest.raises(Conflict, match="fixed"):
        await challenges.edit_challenge(deps, alice.id, posted.id,
                                        {"reward": {"amount": 1, "currency": "usd"},
                                         "milestones": [{"title": "a", "amount": 1}]})
    assert (await challenges.edit_challenge(deps, alice.id, posted.id,
                                            {"title": "Still editable"})).title == "Still editable"
    await fund(deps, alice.id, posted.id)
    with pytest.raises(Conflict, match="refund"):
        await challenges.cancel_challenge(deps, alice.id, posted.id)
    await escrow_settlement.refund(deps, alice.id, posted.id)
    assert (await Challenge.get(posted.id)).state == "cancelled"
