"""``POST /api/v1/webhooks/stripe``: the payment provider's events (and the simulated ones)."""

from __future__ import annotations

from aiohttp import web

from domain.services import payment_events
from realtime.api.core import ApiRoutes, deps_of, json_ok, read_body
from realtime.api.escrow_schemas import WebhookAck

routes = ApiRoutes(tag="webhooks")
STRIPE_WEBHOOK_PATH = "/webhooks/stripe"


@routes.post(STRIPE_WEBHOOK_PATH, auth="none", response=WebhookAck)
async def stripe_webhook(request: web.Request) -> web.Response:
    """A Stripe event, verified by its Stripe-Signature header; stored by id, processed once."""
    result = await payment_events.receive_stripe_webhook(
        deps_of(request), await read_body(request), request.headers.get("Stripe-Signature"))
    return json_ok(result)
