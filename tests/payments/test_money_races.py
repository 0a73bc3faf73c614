"""Money decisions racing each other against a gateway that takes 50 ms a call, like Stripe:
one decision wins, the same one repeated gets its result, money out never exceeds funded."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from domain.adapters.offline_gateway import OfflineGateway
from domain.deps import Deps
from domain.errors import Conflict, DomainError
from domain.models.escrow import Escrow, LedgerKind
from domain.services import escrow, escrow_settlement
from domain.services.moderation_log import audit_trail
from openchance.bootstrap import build_deps
from openchance.settings import Settings
from tests.conftest import Users
from tests.domain.escrow_helpers import accepted_challenge, fund
from tests.payments.faults import FaultyGateway

LATENCY = 0.05


@pytest.fixture
def offline() -> OfflineGateway:
    return OfflineGateway()


@pytest.fixture
def slow(offline: OfflineGateway) -> FaultyGateway:
    return FaultyGateway(offline, latency=LATENCY)


@pytest.fixture
def sdeps(storage: Any, slow: FaultyGateway) -> Deps:
    settings = Settings(password_hash_profile="cheapest", platform_fee_bps=500)
    return build_deps(settings, gateway=slow)  # type: ignore[arg-type]


def money_out(offline: OfflineGateway, escrow_id: str) -> int:
    """What left the platform for this escrow at the gateway (transfers + refunds)."""
    return sum(a for book in (offline.transfers, offline.refunds)
               for k, (_, a) in book.items() if escrow_id in k)


def assert_consistent(found: Escrow, offline: OfflineGateway, slow: FaultyGateway) -> None:
    released_net = sum(e.amount - e.fee for e in found.ledger if e.kind == LedgerKind.RELEASE)
    fees = sum(e.fee for e in found.ledger if e.kind == LedgerKind.RELEASE)
    assert money_out(offline, found.id) == released_net + found.total(LedgerKind.REFUND)
    assert money_out(offline, found.id) + fees <= found.total(LedgerKind.FUND)
    assert found.held >= 0
    keys = [key for _, key in slow.calls]
    assert len(keys) == len(set(keys))


async def disputed(deps: Deps) -> tuple[Any, Any, Any, Escrow]:
    users = Users(deps)
    alice, bob, challenge = await accepted_challenge(deps, users)
    mod = await users.make("mod", role="moderator")
    await fund(deps, alice.id, challenge.id)
    frozen = await escrow_settlement.open_dispute(deps, bob.id, challenge.id, {"reason": "r"})
    return alice, mod, challenge, frozen


async def test_two_different_resolutions_at_once_one_wins(sdeps: Deps, offline: OfflineGateway,
                                                         slow: FaultyGateway) -> None:
    _, mod, challenge, frozen = await disputed(sdeps)
    to_solver = {"release_amount": 30_000, "refund_amount": 0}
    to_owner = {"release_amount": 0, "refund_amount": 30_000}
    results = await asyncio.gather(
        escrow_settlement.resolve_dispute(sdeps, mod.id, challenge.id, to_solver),
        escrow_settlement.resolve_dispute(sdeps, mod.id, challenge.id, to_owner),
        return_exceptions=True)
    won = [r for r in results if isinstance(r, Escrow)]
    lost = [r for r in results if not isinstance(r, Escrow)]
    assert len(won) == 1 and len(lost) == 1 and isinstance(lost[0], Conflict)
    found = await Escrow.get(frozen.id)
    assert found is not None and found.state in ("released", "refunded")
    assert money_out(offline, frozen.id) + sum(e.fee for e in found.ledger) <= 30_000
    assert_consistent(found, offline, slow)
    assert len(await audit_trail("challenge", challenge.id)) == 1


async def test_fifty_identical_resolutions_move_money_once(sdeps: Deps, offline: OfflineGateway,
                                                          slow: FaultyGateway) -> None:
    _, mod, challenge, frozen = await disputed(sdeps)
    split = {"release_amount": 20_000, "refund_amount": 10_000}
    results = await asyncio.gather(*(
        escrow_settlement.resolve_dispute(sdeps, mod.id, challenge.id, split)
        for _ in range(50)), return_exceptions=True)
    assert all(isinstance(r, Escrow) for r in results), [r for r in results
                                                          if not isinstance(r, Escrow)]
    assert {tuple(e.idempotency_key for e in r.ledger) for r in results  # type: ignore[union-attr]
            } == {tuple(e.idempotency_key for e in results[0].ledger)}  # type: ignore[union-attr]
    assert sorted(kind for kind, _ in slow.calls) == ["refund", "transfer"]
    found = await Escrow.get(frozen.id)
    assert found is not None and found.state == "refunded"
    # The platform fee applies to a resolution's release as to any release (5 %).
    [release] = [e for e in found.ledger if e.kind == LedgerKind.RELEASE]
    assert (release.amount, release.fee) == (20_000, 1_000)
    assert money_out(offline, frozen.id) == 19_000 + 10_000
    assert_consistent(found, offline, slow)
    assert len(await audit_trail("challenge", challenge.id)) == 1


async def test_a_resolution_racing_a_release_and_a_refund(sdeps: Deps, offline: OfflineGateway,
                                                          slow: FaultyGateway) -> None:
    users = Users(sdeps)
    alice, bob, challenge = await accepted_challenge(sdeps, users)
    mod = await users.make("mod", role="moderator")
    funded = await fund(sdeps, alice.id, challenge.id)

    async def dispute_then_resolve() -> Escrow:
        frozen = await escrow_settlement.open_dispute(sdeps, bob.id, challenge.id,
                                                      {"reason": "r"})
        return await escrow_settlement.resolve_dispute(
            sdeps, mod.id, challenge.id, {"release_amount": 0, "refund_amount": frozen.held})

    for _ in range(3):  # every interleaving the three allow, money stays whole
        results = await asyncio.gather(
            escrow.release_milestone(sdeps, alice.id, challenge.id, 1),
            escrow_settlement.refund(sdeps, mod.id, challenge.id),
            dispute_then_resolve(), return_exceptions=True)
        assert all(isinstance(r, Escrow | DomainError) for r in results), results
        found = await Escrow.get(funded.id)
        assert found is not None
        assert_consistent(found, offline, slow)
    assert found.state in ("refunded", "released", "disputed", "partially_released")
    assert not [c for c in found.claims if c.state == "open"]
