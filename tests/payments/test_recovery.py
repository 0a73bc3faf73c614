"""Crash recovery: a money decision that died at any step is finished from its stored
PaymentOperation, or released when the gateway never made it; nothing moves twice."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest

from domain.adapters import stripe_signature
from domain.adapters.offline_gateway import OfflineGateway
from domain.deps import Deps
from domain.errors import GatewayFailed
from domain.models.escrow import ClaimState, Escrow, LedgerKind
from domain.models.payment_operations import MoneyFlag, PaymentOperation
from domain.services import escrow, escrow_operations, escrow_settlement, payment_events
from domain.services.escrow_recovery import recover_operations
from openchance.bootstrap import build_deps
from openchance.settings import Settings
from tests.conftest import Users
from tests.domain.escrow_helpers import accepted_challenge, fund
from tests.payments.faults import Crash, FaultyGateway

NOW = timedelta(0)  # recover everything open, however fresh


@pytest.fixture
def offline() -> OfflineGateway:
    return OfflineGateway()


@pytest.fixture
def faulty(offline: OfflineGateway) -> FaultyGateway:
    return FaultyGateway(offline)


@pytest.fixture
def fdeps(storage: Any, faulty: FaultyGateway) -> Deps:
    deps = build_deps(Settings(password_hash_profile="cheapest", platform_fee_bps=1000),
                      gateway=faulty)  # type: ignore[arg-type]
    return deps


def assert_ledger_is_what_moved(found: Escrow, offline: OfflineGateway,
                                faulty: FaultyGateway) -> None:
    transferred = sum(a for k, (_, a) in offline.transfers.items() if found.id in k)
    refunded = sum(a for k, (_, a) in offline.refunds.items() if found.id in k)
    assert transferred == sum(e.amount - e.fee for e in found.ledger
                              if e.kind == LedgerKind.RELEASE)
    assert refunded == found.total(LedgerKind.REFUND)
    assert found.total(LedgerKind.RELEASE) + refunded <= found.total(LedgerKind.FUND)
    keys = [key for _, key in faulty.calls]
    assert len(keys) == len(set(keys)), "a movement was executed twice"


async def decide(deps: Deps, users: Users, decision: str, who: dict[str, Any]) -> Escrow:
    if decision == "release":
        return await escrow.release_milestone(deps, who["alice"].id, who["challenge"].id, 1)
    if decision == "refund":
        return await escrow_settlement.refund(deps, who["alice"].id, who["challenge"].id)
    return await escrow_settlement.resolve_dispute(
        deps, who["mod"].id, who["challenge"].id,
        {"release_amount": who["release"], "refund_amount": who["refund"]})


async def setting(deps: Deps, users: Users, decision: str) -> dict[str, Any]:
    alice, bob, challenge = await accepted_challenge(deps, users)
    mod = await users.make("mod", role="moderator")
    funded = await fund(deps, alice.id, challenge.id)
    if decision == "resolve":
        await escrow_settlement.open_dispute(deps, bob.id, challenge.id, {"reason": "r"})
    return {"alice": alice, "bob": bob, "mod": mod, "challenge": challenge, "id": funded.id,
            "release": 18_000, "refund": 12_000}


# What the decision's last gateway call is: a crash there tests the whole decision.
LAST_CALL = {"release": "transfer", "refund": "refund", "resolve": "refund"}


@pytest.mark.parametrize("decision", ["release", "refund", "resolve"])
@pytest.mark.parametrize("point", ["before_record", "before_call", "after_call"])
async def test_crash_at_each_step_then_recovery(fdeps: Deps, offline: OfflineGateway,
                                                faulty: FaultyGateway, decision: str,
                                                point: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    users = Users(fdeps)
    who = await setting(fdeps, users, decision)
    kind = LAST_CALL[decision]
    if point == "before_record":
        real_record = escrow_operations.record

        async def dies(op: PaymentOperation) -> PaymentOperation:
            if op.kind == (LedgerKind.RELEASE if kind == "transfer" else LedgerKind.REFUND):
                raise Crash("died before the operation record")
            return await real_record(op)
        monkeypatch.setattr(escrow_operations, "record", dies)
    elif point == "before_call":
        faulty.crash_before.add(kind)
    else:
        faulty.crash_after.add(kind)
    with pytest.raises(Crash):
        await decide(fdeps, users, decision, who)
    monkeypatch.undo()
    faulty.heal()

    stuck = await Escrow.get(who["id"])
    assert stuck is not None and [c.state for c in stuck.claims] == [ClaimState.OPEN]
    report = await recover_operations(fdeps, lease=NOW)
    recovered = await Escrow.get(who["id"])
    assert recovered is not None
    assert_ledger_is_what_moved(recovered, offline, faulty)
    if point == "after_call":  # the gateway moved it: finished from the stored operation
        assert len(report.finished) == 1 and not report.released
        assert recovered.claims[-1].state == ClaimState.DONE
        final = recovered
    else:  # never happened: released, and the escrow takes the decision again
        assert len(report.released) == 1 and not report.finished
        assert recovered.claims[-1].state == ClaimState.RELEASED
        if decision == "resolve":  # the transfer before the crash stays; the rest is decided
            who["release"], who["refund"] = 0, recovered.held
        final = await decide(fdeps, users, decision, who)
        assert final.claims[-1].state == ClaimState.DONE and final.claims[-1].attempt == 2
    assert final.state == {"release": "partially_released", "refund": "refunded",
                           "resolve": "refunded"}[decision]
    assert_ledger_is_what_moved(final, offline, faulty)
    assert await recover_operations(fdeps, lease=NOW) == type(report)()  # nothing left
    if decision == "release":  # still usable: the next milestone pays as usual
        done = await escrow.release_milestone(fdeps, who["alice"].id, who["challenge"].id, 2)
        assert done.state == "released"
        assert_ledger_is_what_moved(done, offline, faulty)


async def test_the_webhook_carrying_our_key_finishes_the_release(
        fdeps: Deps, offline: OfflineGateway, faulty: FaultyGateway) -> None:
    users = Users(fdeps)
    who = await setting(fdeps, users, "release")
    faulty.crash_after.add("transfer")
    with pytest.raises(Crash):
        await decide(fdeps, users, "release", who)
    faulty.heal()
    [(key, (reference, amount))] = offline.transfers.items()
    event = {"id": "evt_transfer_created_1", "type": "transfer.created",
             "created": int(time.time()), "data": {"object": {
                 "id": reference, "object": "transfer", "amount": amount,
                 "metadata": {"escrow_id": who["id"], "idempotency_key": key}}}}
    payload = json.dumps(event)
    signature = stripe_signature.sign(payload, fdeps.webhook_secret or "", int(time.time()))
    result = await payment_events.receive_stripe_webhook(fdeps, payload.encode(), signature)
    assert result["status"] == "processed"
    found = await Escrow.get(who["id"])
    assert found is not None and found.state == "partially_released"
    assert found.milestones[0].state == "released" and found.claims[-1].state == "done"
    assert_ledger_is_what_moved(found, offline, faulty)
    # A retry of the release now answers the finished decision; nothing moves again.
    again = await decide(fdeps, users, "release", who)
    assert again.ledger == found.ledger and len(faulty.calls) == 1


async def test_a_refusal_releases_at_once_and_an_unknown_outcome_is_flagged(
        fdeps: Deps, offline: OfflineGateway, faulty: FaultyGateway) -> None:
    users = Users(fdeps)
    who = await setting(fdeps, users, "refund")
    # The call fails and the gateway cannot say whether it happened: kept open, not retried.
    faulty.crash_after.add("refund")
    with pytest.raises(Crash):
        await decide(fdeps, users, "refund", who)
    faulty.heal()
    faulty.reads_down = True
    report = await recover_operations(fdeps, lease=NOW, stuck_after=NOW)
    assert len(report.unknown) == 1 and len(report.flagged) == 1
    [flag] = await MoneyFlag.find({"open": True}).to_list()
    assert flag.kind == "stuck_operation" and flag.escrow_id == who["id"]
    faulty.reads_down = False
    report = await recover_operations(fdeps, lease=NOW, stuck_after=NOW)
    assert len(report.finished) == 1
    assert await MoneyFlag.find({"open": True}).count() == 0
    found = await Escrow.get(who["id"])
    assert found is not None and found.state == "refunded"
    assert_ledger_is_what_moved(found, offline, faulty)


async def test_a_gateway_error_is_checked_not_believed(fdeps: Deps, offline: OfflineGateway,
                                                       faulty: FaultyGateway,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    users = Users(fdeps)
    who = await setting(fdeps, users, "release")
    real = offline.transfer

    async def moves_then_times_out(**kwargs: Any) -> str:
        await real(**kwargs)
        raise TimeoutError("the answer was lost")
    monkeypatch.setattr(offline, "transfer", moves_then_times_out)
    released = await decide(fdeps, users, "release", who)  # the movement is found and booked
    assert released.state == "partially_released" and released.claims[-1].state == "done"
    assert_ledger_is_what_moved(released, offline, faulty)

    async def refuses(**kwargs: Any) -> str:
        raise RuntimeError("card_declined")
    monkeypatch.setattr(offline, "refund", refuses)
    moderator = who["mod"]
    with pytest.raises(GatewayFailed, match="card_declined"):
        await escrow_settlement.refund(fdeps, moderator.id, who["challenge"].id)
    back = await Escrow.get(who["id"])
    assert back is not None and back.claims[-1].state == "released"
    assert {m.state for m in back.milestones[1:]} == {"pending"}
