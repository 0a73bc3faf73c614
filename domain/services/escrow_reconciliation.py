"""Reconciliation: each escrow's ledger against what the gateway reports for its transfer group.

Four sums must agree: payments received (funding + unexpected), transferred to the solver
(releases net of the platform fee), refunded (ours, dashboard refunds, give-backs) and
reversed. A disagreement is a moderator flag (one per escrow and sum, refreshed each run,
cleared when a later run agrees). A payment the ledger has never seen (its webhook was lost)
goes through the same path a webhook takes: it funds the escrow, or it is given back.

Escrows with a decision still open are left to recovery: their movements are in flight.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from domain.deps import Deps
from domain.models.escrow import Escrow, EscrowState, LedgerKind
from domain.models.payment_operations import FlagKind, MoneyFlag
from domain.ports import Movement
from domain.services import escrow as escrow_service
from domain.services.common import require_moderator
from domain.services.escrow_flags import clear_flag, open_flags, raise_flag

log = logging.getLogger(__name__)
ASPECTS = ("payment", "transfer", "refund", "reversal")


@dataclass
class ReconciliationReport:
    checked: int = 0
    mismatched: list[str] = field(default_factory=list)
    recovered_payments: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:  # worth a log line: something was found or done
        return any(v for k, v in vars(self).items() if k != "checked")


def ledger_sums(escrow: Escrow) -> dict[str, int]:
    refunds = sum(e.amount for e in escrow.ledger
                  if e.kind in (LedgerKind.REFUND, LedgerKind.RETURNED, LedgerKind.FEE_REFUND)
                  # a lost chargeback is the card network's, not a refund the gateway lists
                  and ":chargeback:" not in e.idempotency_key)
    return {
        "payment": escrow.total(LedgerKind.FUND) + escrow.total(LedgerKind.UNEXPECTED),
        "transfer": sum(e.amount - e.fee for e in escrow.ledger
                        if e.kind == LedgerKind.RELEASE),
        "refund": refunds,
        "reversal": escrow.total(LedgerKind.REVERSAL),
    }


def gateway_sums(escrow: Escrow, movements: list[Movement]) -> dict[str, int]:
    sums = dict.fromkeys(ASPECTS, 0)
    for m in movements:
        if m.currency.lower() == escrow.currency and m.kind in sums:
            sums[m.kind] += m.amount
    return sums


async def _unseen_payments(deps: Deps, escrow: Escrow, movements: list[Movement]) -> list[str]:
    known = {e.reference for e in escrow.ledger
             if e.kind in (LedgerKind.FUND, LedgerKind.UNEXPECTED)}
    seen = []
    for m in movements:
        if m.kind == "payment" and m.reference not in known:
            await escrow_service.confirm_funding(deps, escrow.id, amount=m.amount,
                                                 currency=m.currency, reference=m.reference)
            seen.append(m.reference)
    return seen


async def reconcile_escrow(deps: Deps, escrow: Escrow,
                           report: ReconciliationReport) -> None:
    movements = await deps.gateway.movements(escrow_id=escrow.id,
                                             challenge_id=escrow.challenge_id,
                                             source_reference=escrow.checkout_reference)
    unseen = await _unseen_payments(deps, escrow, movements)
    if unseen:
        report.recovered_payments.extend(unseen)
        fresh = await Escrow.get(escrow.id)
        if fresh is None:
            return
        escrow = fresh
        movements = await deps.gateway.movements(escrow_id=escrow.id,
                                                 challenge_id=escrow.challenge_id,
                                                 source_reference=escrow.checkout_reference)
    ours, theirs = ledger_sums(escrow), gateway_sums(escrow, movements)
    for aspect in ASPECTS:
        key = f"mismatch:{escrow.id}:{aspect}"
        if ours[aspect] == theirs[aspect]:
            await clear_flag(key)
            continue
        report.mismatched.append(f"{escrow.id}:{aspect}")
        await raise_flag(FlagKind.MISMATCH, escrow, key,
                         f"{aspect}s: the ledger says {ours[aspect]}, the payment provider "
                         f"{theirs[aspect]} ({escrow.currency.upper()} minor units)",
                         {"aspect": aspect, "ledger": ours[aspect],
                          "gateway": theirs[aspect]})


async def reconcile(deps: Deps, *, limit: int = 1000) -> ReconciliationReport:
    """Compare every escrow that money touched with the gateway; record disagreements."""
    report = ReconciliationReport()
    query = {"$or": [{"state": {"$ne": EscrowState.AWAITING_FUNDING}},
                     {"checkout_reference": {"$type": "string"}}]}
    async for escrow in Escrow.find(query).sort("-updated_at").limit(limit):
        if any(c.state == "open" for c in escrow.claims):
            report.skipped.append(escrow.id)
            continue
        try:
            await reconcile_escrow(deps, escrow, report)
        except Exception:  # the gateway is down for this one: the next run tries again
            log.exception("reconciling escrow %s failed", escrow.id)
            report.skipped.append(escrow.id)
            continue
        report.checked += 1
    return report


async def money_flags(actor_id: str) -> list[MoneyFlag]:
    """What moderators review: ledger/gateway mismatches, stuck decisions, unexpected
    payments given back, late movements (``GET /mod/reconciliation``)."""
    await require_moderator(actor_id)
    return await open_flags()
