"""Receiving the payment provider's webhooks: verify, store by event id, process once.

An event is stored (its id is the unique key) before anything is done with it. A redelivery of
a stored event finds it there and is acknowledged without a second processing, unless the first
processing died mid-way (then, after a short lease, the redelivery takes it over). Processing
itself is idempotent, so even that takeover cannot move money twice.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pymongo.errors import DuplicateKeyError

from domain.deps import Deps
from domain.errors import DomainError, NotFound, ValidationFailed
from domain.models.common import utcnow
from domain.models.payment_events import EventStatus, StripeEvent
from domain.ports import BadSignature
from domain.services.common import parse, update_where
from domain.services.payment_event_handlers import HANDLERS, Deferred, Outcome

log = logging.getLogger(__name__)
CLAIM_LEASE = timedelta(seconds=60)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_REPLAY_ROUNDS = 10


class _EventData(BaseModel):
    object: dict[str, Any]


class WebhookEventInput(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: Annotated[str, StringConstraints(strict=True, pattern=r"^evt_[A-Za-z0-9_]{1,250}$")]
    type: Annotated[str, StringConstraints(strict=True, min_length=1, max_length=100)]
    created: Annotated[int, Field(strict=True, ge=0)]
    data: _EventData


async def receive_stripe_webhook(deps: Deps, payload: bytes,
                                 signature: str | None) -> dict[str, Any]:
    """Verify a delivery, store it, process it (once). Returns what happened to it."""
    if not deps.webhook_secret:
        raise ValidationFailed("payment webhooks are not configured (set STRIPE_WEBHOOK_SECRET)")
    try:
        raw = deps.signatures.verify(payload, signature, deps.webhook_secret)
    except BadSignature as exc:
        raise ValidationFailed(f"invalid webhook signature: {exc}") from None
    form = parse(WebhookEventInput, raw)
    event = await _store(form, raw)
    if event is None:
        stored = await StripeEvent.get(form.id)
        return {"id": form.id, "duplicate": True,
                "status": str(stored.status) if stored else "unknown"}
    outcome = await process_stored(deps, event)
    return {"id": form.id, "duplicate": False, "status": str(outcome.status),
            "outcome": outcome.message}


async def _store(form: WebhookEventInput, raw: dict[str, Any]) -> StripeEvent | None:
    """The stored event if this call may process it, None if another delivery has it."""
    try:
        return await StripeEvent(id=form.id, type=form.type, created=form.created,
                                 payload=raw).insert()
    except DuplicateKeyError:
        now = utcnow()
        return await update_where(
            StripeEvent, {"_id": form.id, "status": EventStatus.RECEIVED,
                          "claimed_at": {"$lt": now - CLAIM_LEASE}},
            {"$set": {"claimed_at": now}, "$inc": {"attempts": 1}})


async def _apply(deps: Deps, event: StripeEvent) -> Outcome:
    handler = HANDLERS.get(event.type)
    if handler is None:
        outcome = Outcome(EventStatus.IGNORED, f"{event.type} is not used")
    else:
        try:
            outcome = await handler(deps, event.payload, event.payload["data"]["object"])
        except Deferred as wait:
            outcome = Outcome(EventStatus.DEFERRED, str(wait), wait.escrow_id)
        except NotFound as exc:
            outcome = Outcome(EventStatus.IGNORED, exc.message)
        except DomainError as exc:  # contradicts our records: kept for a human, not retried
            outcome = Outcome(EventStatus.REJECTED, exc.message)
        except Exception:
            # Unexpected (e.g. the store is down): free the claim so the provider's retry
            # can take the event over at once, and let the caller answer with an error.
            await update_where(StripeEvent, {"_id": event.id},
                               {"$set": {"claimed_at": _EPOCH}})
            raise
    await update_where(StripeEvent, {"_id": event.id}, {"$set": {
        "status": outcome.status, "outcome": outcome.message[:500],
        "escrow_id": outcome.escrow_id or event.escrow_id, "processed_at": utcnow()}})
    return outcome


async def process_stored(deps: Deps, event: StripeEvent) -> Outcome:
    outcome = await _apply(deps, event)
    if outcome.status == EventStatus.PROCESSED and outcome.escrow_id:
        await replay_deferred(deps, outcome.escrow_id)
    return outcome


async def replay_deferred(deps: Deps, escrow_id: str) -> int:
    """Process the events that waited for this escrow, oldest first, until none progresses."""
    replayed = 0
    for _ in range(_MAX_REPLAY_ROUNDS):
        waiting = await (StripeEvent.find({"escrow_id": escrow_id,
                                           "status": EventStatus.DEFERRED})
                         .sort("created").to_list())
        progressed = False
        for candidate in waiting:
            claimed = await update_where(
                StripeEvent, {"_id": candidate.id, "status": EventStatus.DEFERRED},
                {"$set": {"status": EventStatus.RECEIVED, "claimed_at": utcnow()},
                 "$inc": {"attempts": 1}})
            if claimed is None:
                continue
            try:
                outcome = await _apply(deps, claimed)
            except Exception:  # the triggering event is done; this one waits for a redelivery
                log.exception("replaying payment event %s failed", claimed.id)
                continue
            replayed += 1
            progressed = progressed or outcome.status != EventStatus.DEFERRED
        if not progressed:
            break
    return replayed
