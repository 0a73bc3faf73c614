"""Money the payment provider moved on its own: refunds made in its dashboard, lost card
disputes (chargebacks), reversed transfers. Each is written to the ledger once (keyed by the
provider's numbers) so the ledger keeps equalling what the provider holds for the challenge."""

from __future__ import annotations

from typing import Any

from domain.deps import Deps
from domain.events import EscrowCorrected
from domain.models.challenges import Challenge
from domain.models.escrow import (
    Dispute,
    Escrow,
    EscrowState,
    LedgerEntry,
    LedgerKind,
    MilestoneState,
)
from domain.models.payment_operations import OperationPurpose, OperationState, PaymentOperation
from domain.services.common import get_or_404
from domain.services.escrow_core import Change, announce, has_entry, ledger_push, mutate

HOLDING = (EscrowState.FUNDED, EscrowState.PARTIALLY_RELEASED)
OPEN_MILESTONE = (MilestoneState.PENDING, MilestoneState.SUBMITTED)
PROVIDER = "payment-provider"


def _settle_or_freeze(escrow: Escrow, taken: int, reason: str) -> dict[str, Any]:
    """After ``taken`` left the platform outside our control: refunded if nothing is held any
    more, else frozen for a moderator, since the milestones are no longer fully covered."""
    if escrow.held - taken <= 0 and escrow.state in (*HOLDING, EscrowState.DISPUTED):
        sets: dict[str, Any] = {f"milestones.{i}.state": MilestoneState.REFUNDED
                                for i, m in enumerate(escrow.milestones)
                                if m.state in OPEN_MILESTONE}
        return {**sets, "state": EscrowState.REFUNDED}
    if taken > 0 and escrow.state in HOLDING:
        dispute = Dispute(opened_by=PROVIDER, reason=reason, state_before=escrow.state,
                          card_dispute=True)
        return {"state": EscrowState.DISPUTED, "dispute": dispute.model_dump()}
    return {}


async def mutate_and_announce(deps: Deps, escrow_id: str, change: Change,
                              correction: str) -> Escrow:
    """``mutate``, then announce ``name`` only if this call's own update was written (the
    last run of ``change`` is the one that decided, whether it wrote or found nothing to do)."""
    wrote = False

    def tracked(escrow: Escrow) -> dict[str, Any] | None:
        nonlocal wrote
        update = change(escrow)
        wrote = update is not None
        return update

    escrow = await mutate(escrow_id, tracked)
    if wrote:
        challenge = await get_or_404(Challenge, escrow.challenge_id, "challenge")
        await announce(deps, escrow, challenge, EscrowCorrected, correction=correction)
    return escrow


async def record_external_refund(deps: Deps, escrow_id: str, *, charge_ref: str,
                                 amount_refunded: int) -> Escrow:
    """The charge shows ``amount_refunded`` in total; what we did not ask for is external.
    Our own refunds count from the moment they were recorded (before the provider was
    called), so a webhook racing our own refund call is never mistaken for an external one.
    Whatever exceeds what the escrow held came out of the platform's fees: written as a fee
    refund, so the ledger still equals what the provider holds."""
    ours = sum(op.amount for op in await PaymentOperation.find(
        {"escrow_id": escrow_id, "kind": LedgerKind.REFUND,
         "purpose": OperationPurpose.DECISION,
         "state": {"$ne": OperationState.ABANDONED}}).to_list())

    def change(escrow: Escrow) -> dict[str, Any] | None:
        seen = sum(e.amount for e in escrow.ledger if ":external-refund:" in e.idempotency_key)
        unseen = amount_refunded - ours - seen
        key = f"escrow:{escrow.id}:external-refund:{amount_refunded}"
        if unseen <= 0 or has_entry(escrow, key) or has_entry(escrow, f"{key}:fee"):
            return None
        from_held = min(unseen, max(escrow.held, 0))
        entries = [LedgerEntry(kind=kind, amount=amount, idempotency_key=entry_key,
                               reference=charge_ref)
                   for kind, amount, entry_key in (
                       (LedgerKind.REFUND, from_held, key),
                       (LedgerKind.FEE_REFUND, unseen - from_held, f"{key}:fee"))
                   if amount > 0]
        sets = _settle_or_freeze(escrow, from_held, "part of the payment was refunded outside "
                                                    "OpenChance")
        return {**({"$set": sets} if sets else {}), **ledger_push(entries)}

    return await mutate_and_announce(deps, escrow_id, change, "refunded_externally")


async def close_card_dispute(deps: Deps, escrow_id: str, *, dispute_ref: str, won: bool,
                             amount: int) -> Escrow:
    """A chargeback ended. Lost: the disputed money is gone (a refund in the ledger). Won: the
    money stays; either way the escrow stays frozen for a moderator to resolve."""
    key = f"escrow:{escrow_id}:chargeback:{dispute_ref}"

    def change(escrow: Escrow) -> dict[str, Any] | None:
        if has_entry(escrow, key):
            return None
        taken = 0 if won else min(amount, escrow.held)
        sets: dict[str, Any] = {}
        if escrow.dispute is not None and escrow.state == EscrowState.DISPUTED:
            sets["dispute.resolution"] = {"chargeback": taken}
        sets.update(_settle_or_freeze(escrow, taken, "a card dispute was lost"))
        entry = LedgerEntry(kind=LedgerKind.REFUND, amount=taken, idempotency_key=key,
                            reference=dispute_ref)
        return {**({"$set": sets} if sets else {}), **ledger_push([entry])}

    return await mutate_and_announce(deps, escrow_id, change,
                                     "card_dispute_won" if won else "card_dispute_lost")


async def record_reversal(deps: Deps, escrow_id: str, *, transfer_ref: str,
                          amount_reversed: int) -> Escrow:
    """A transfer to the solver was (partly) reversed: that money is held by the platform again."""

    def change(escrow: Escrow) -> dict[str, Any] | None:
        seen = sum(e.amount for e in escrow.ledger
                   if e.kind == LedgerKind.REVERSAL and e.reference == transfer_ref)
        key = f"escrow:{escrow.id}:reversal:{transfer_ref}:{amount_reversed}"
        if amount_reversed - seen <= 0 or has_entry(escrow, key):
            return None
        entry = LedgerEntry(kind=LedgerKind.REVERSAL, amount=amount_reversed - seen,
                            idempotency_key=key, reference=transfer_ref)
        return ledger_push([entry])

    return await mutate_and_announce(deps, escrow_id, change, "transfer_reversed")
