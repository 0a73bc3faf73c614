"""Property: whatever sequence of escrow operations runs, the ledger agrees with the escrow's
state and with what the gateway moved, and never pays out or refunds more than was funded."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.models.escrow import Escrow, EscrowState, LedgerKind, MilestoneState
from domain.models.users import Role, User
from domain.services import accounts, applications, challenges, escrow, escrow_settlement
from domain.services.common import update_where
from tests.conftest import challenge_data


class FlakyGateway:
    """Wraps the offline gateway; fails calls while ``down`` is set, like a provider outage."""

    def __init__(self, inner) -> None:
        self.inner, self.down = inner, False

    def __getattr__(self, name):
        return getattr(self.inner, name)

    async def transfer(self, **kwargs):
        if self.down:
            raise RuntimeError("outage")
        return await self.inner.transfer(**kwargs)

    async def refund(self, **kwargs):
        if self.down:
            raise RuntimeError("outage")
        return await self.inner.refund(**kwargs)


OPERATIONS = st.one_of(
    st.just(("fund",)), st.just(("confirm",)), st.just(("refund_owner",)),
    st.just(("refund_mod",)), st.just(("dispute",)), st.just(("card_dispute",)),
    st.just(("outage",)), st.just(("recover",)),
    st.tuples(st.just("submit"), st.integers(1, 4)),
    st.tuples(st.just("release"), st.integers(0, 4)),
    st.tuples(st.just("resolve"), st.integers(0, 100)),
)
_counter = itertools.count()


def check_invariants(esc: Escrow, gateway, funded_amount: int) -> None:
    funded, released = esc.total(LedgerKind.FUND), esc.total(LedgerKind.RELEASE)
    refunded = esc.total(LedgerKind.REFUND)
    assert funded in (0, funded_amount)
    assert 0 <= released + refunded <= funded and esc.held == funded - released - refunded
    keys = [e.idempotency_key for e in esc.ledger]
    assert len(keys) == len(set(keys)), "an idempotency key was recorded twice"
    moved_out = sum(a for k, (_, a) in gateway.transfers.items() if esc.id in k)
    fees = sum(e.fee for e in esc.ledger if e.kind == LedgerKind.RELEASE)
    assert moved_out == released - fees
    assert sum(a for k, (_, a) in gateway.refunds.items() if esc.id in k) == refunded
    if esc.state == EscrowState.AWAITING_FUNDING:
        assert esc.ledger == []
    if esc.state == EscrowState.FUNDED:
        assert esc.held == esc.amount
    if esc.state == EscrowState.PARTIALLY_RELEASED:
        assert 0 < esc.held < esc.amount
    if esc.state in (EscrowState.RELEASED, EscrowState.REFUNDED):
        assert esc.held == 0
        assert all(m.state in (MilestoneState.RELEASED, MilestoneState.REFUNDED)
                   for m in esc.milestones)
    released_milestones = {e.milestone for e in esc.ledger if e.milestone}
    for m in esc.milestones:
        if m.n in released_milestones:
            assert m.state == MilestoneState.RELEASED


async def _people(deps):
    n = next(_counter)
    owner = await accounts.platform_user(deps, "slack", f"owner{n}", "owner")
    solver = await accounts.platform_user(deps, "slack", f"solver{n}", "solver")
    mod = await accounts.platform_user(deps, "slack", f"mod{n}", "mod")
    await update_where(User, {"_id": mod.id}, {"$set": {"role": Role.MODERATOR}})
    return owner, solver, mod


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(OPERATIONS, max_size=14), fee_bps=st.sampled_from([0, 250, 1000]))
async def test_ledger_always_matches_state_and_gateway(deps, gateway, ops, fee_bps) -> None:
    deps.platform_fee_bps = fee_bps
    flaky = FlakyGateway(gateway)
    deps.gateway = flaky
    owner, solver, mod = await _people(deps)
    challenge = await challenges.post_challenge(deps, owner.id, challenge_data(
        reward={"amount": 10_001, "currency": "eur"},
        milestones=[{"title": "a", "amount": 1}, {"title": "b", "amount": 5_000},
                    {"title": "c", "amount": 5_000}]))
    app = await applications.apply(deps, solver.id, challenge.id, {"proposal": "p"})
    await applications.accept(deps, owner.id, app.id)
    for op in ops:
        esc = await Escrow.find_one({"challenge_id": challenge.id})
        try:
            await _run(deps, flaky, op, owner, solver, mod, challenge.id, esc)
        except DomainError:
            pass
        esc = await Escrow.find_one({"challenge_id": challenge.id})
        if esc is not None:
            check_invariants(esc, gateway, 10_001)


async def _run(deps, flaky, op, owner, solver, mod, challenge_id, esc) -> None:
    name = op[0]
    if name == "fund":
        await escrow.start_funding(deps, owner.id, challenge_id)
    elif name == "confirm" and esc is not None:
        await escrow.confirm_funding(deps, esc.id, amount=esc.amount, currency=esc.currency,
                                     reference="pi")
    elif name == "submit":
        await escrow.submit_milestone(deps, solver.id, challenge_id, op[1], {"note": "done"})
    elif name == "release":
        await escrow.release_milestone(deps, owner.id, challenge_id, op[1])
    elif name == "refund_owner":
        await escrow_settlement.refund(deps, owner.id, challenge_id)
    elif name == "refund_mod":
        await escrow_settlement.refund(deps, mod.id, challenge_id)
    elif name == "dispute":
        await escrow_settlement.open_dispute(deps, solver.id, challenge_id, {"reason": "r"})
    elif name == "card_dispute" and esc is not None:
        await escrow_settlement.freeze_for_card_dispute(deps, esc.id, "chargeback")
    elif name == "resolve" and esc is not None:
        release = esc.held * op[1] // 100
        await escrow_settlement.resolve_dispute(deps, mod.id, challenge_id, {
            "release_amount": release, "refund_amount": esc.held - release})
    elif name == "outage":
        flaky.down = True
    elif name == "recover":
        flaky.down = False
