"""Escrow routes: fund, read, submit work, release, refund, dispute, a moderator's resolution;
and payout onboarding (the account a solver is paid into)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from domain.services import (
    escrow,
    escrow_history,
    escrow_reconciliation,
    escrow_settlement,
    payouts,
)
from domain.services.inputs import DisputeInput, ResolveInput
from domain.views import EscrowMilestoneOut, EscrowOut, PayoutAccountOut, render, render_escrow
from realtime.api.core import (
    ApiRoutes,
    current_user_id,
    deps_of,
    json_ok,
    parse_query,
    read_json,
)
from realtime.api.escrow_schemas import (
    FundOut,
    MoneyFlagOut,
    OnboardOut,
    PaymentList,
    PaymentOut,
    PaymentsQuery,
    PayoutStatusOut,
    ReconciliationOut,
    SubmitBody,
)

routes = ApiRoutes(tag="escrow")


def _milestone_number(request: web.Request) -> Any:
    # The domain validates the number; a non-numeric segment reaches it as text and is a 400.
    raw = request.match_info["n"]
    return int(raw) if raw.isdigit() and len(raw) < 6 else raw


@routes.post("/challenges/{id}/escrow/fund", response=FundOut)
async def fund(request: web.Request) -> web.Response:
    """Create the escrow (once) and the checkout where the challenger pays (owner)."""
    actor_id = await current_user_id(request)
    held, url = await escrow.start_funding(deps_of(request), actor_id, request.match_info["id"])
    return json_ok({"escrow": render_escrow(held), "checkout_url": url})


@routes.get("/challenges/{id}/escrow", response=EscrowOut)
async def get_escrow(request: web.Request) -> web.Response:
    """The escrow with its milestones and ledger (participants and moderators)."""
    actor_id = await current_user_id(request)
    return json_ok(render_escrow(await escrow.get_escrow(actor_id, request.match_info["id"])))


@routes.post("/challenges/{id}/milestones/{n}/submit", body=SubmitBody,
             response=EscrowMilestoneOut)
async def submit(request: web.Request) -> web.Response:
    """Submit the work of a milestone for review (the accepted solver)."""
    actor_id = await current_user_id(request)
    milestone = await escrow.submit_milestone(deps_of(request), actor_id,
                                              request.match_info["id"],
                                              _milestone_number(request),
                                              await read_json(request))
    return json_ok(render(EscrowMilestoneOut, milestone))


@routes.post("/challenges/{id}/milestones/{n}/release", response=EscrowOut)
async def release(request: web.Request) -> web.Response:
    """Pay a milestone to the solver (owner); of concurrent calls exactly one pays."""
    actor_id = await current_user_id(request)
    result = await escrow.release_milestone(deps_of(request), actor_id,
                                            request.match_info["id"],
                                            _milestone_number(request))
    return json_ok(render_escrow(result))


@routes.post("/challenges/{id}/escrow/refund", response=EscrowOut)
async def refund(request: web.Request) -> web.Response:
    """Refund what is still held (owner while nothing was released, or a moderator)."""
    actor_id = await current_user_id(request)
    result = await escrow_settlement.refund(deps_of(request), actor_id,
                                            request.match_info["id"])
    return json_ok(render_escrow(result))


@routes.post("/challenges/{id}/escrow/dispute", body=DisputeInput, response=EscrowOut)
async def dispute(request: web.Request) -> web.Response:
    """Open a dispute (participants): the escrow is frozen until a moderator resolves it."""
    actor_id = await current_user_id(request)
    result = await escrow_settlement.open_dispute(deps_of(request), actor_id,
                                                  request.match_info["id"],
                                                  await read_json(request))
    return json_ok(render_escrow(result))


@routes.post("/mod/escrow/{challenge_id}/resolve", body=ResolveInput, response=EscrowOut)
async def resolve(request: web.Request) -> web.Response:
    """Settle a dispute by release, refund or a split of what is held (moderators)."""
    actor_id = await current_user_id(request)
    result = await escrow_settlement.resolve_dispute(deps_of(request), actor_id,
                                                     request.match_info["challenge_id"],
                                                     await read_json(request))
    return json_ok(render_escrow(result))


@routes.post("/me/payouts/onboard", response=OnboardOut)
async def onboard(request: web.Request) -> web.Response:
    """Open (once) the account payouts go to, and a fresh onboarding link."""
    actor_id = await current_user_id(request)
    account, url = await payouts.start_onboarding(
        deps_of(request), actor_id, await read_json(request, allow_empty=True))
    return json_ok({"account": render(PayoutAccountOut, account), "onboarding_url": url})


@routes.get("/me/payouts", response=PayoutStatusOut)
async def payout_status(request: web.Request) -> web.Response:
    """Whether the signed-in user can receive payouts yet."""
    account = await payouts.get_payout_account(await current_user_id(request))
    return json_ok({"account": render(PayoutAccountOut, account) if account else None})


@routes.get("/me/payments", query=PaymentsQuery, response=PaymentList)
async def my_payments(request: web.Request) -> web.Response:
    """Every movement of my money across challenges, newest first (50 a page)."""
    actor_id = await current_user_id(request)
    query = parse_query(request, PaymentsQuery)
    items, next_cursor = await escrow_history.my_payments(actor_id, query.cursor)
    return json_ok({"items": [PaymentOut.model_validate(escrow_history.payment_fields(i))
                              .model_dump(mode="json", exclude_none=True) for i in items],
                    "next_cursor": next_cursor})


@routes.get("/mod/reconciliation", response=ReconciliationOut)
async def reconciliation(request: web.Request) -> web.Response:
    """Ledger/gateway mismatches, stuck decisions, unexpected payments (moderators)."""
    actor_id = await current_user_id(request)
    flags = await escrow_reconciliation.money_flags(actor_id)
    return json_ok({"items": [render(MoneyFlagOut, f) for f in flags]})
