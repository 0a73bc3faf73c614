"""The simulated gateway's pages (embedded mode only): checkout and payout onboarding.

Their buttons deliver the event Stripe would send, signed with this process's webhook secret,
to our own ``POST /api/v1/webhooks/stripe`` over HTTP: simulated money takes the real path.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Awaitable

import aiohttp
from aiohttp import web

from domain.errors import DomainError
from domain.money import format_money
from domain.services import simulated_payments
from realtime.api.core import API_PREFIX, deps_of
from realtime.api.webhooks import STRIPE_WEBHOOK_PATH

_STATUS = {"validation_error": 400, "not_found": 404, "forbidden": 403}
_STYLE = ("body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}"
          ".sim{background:#fff3cd;border:2px dashed #b8860b;padding:.6rem;font-weight:bold}"
          "button{font-size:1.1rem;padding:.5rem 1.2rem}")
# The page's one inline style, allowed by its hash; everything else as on every HTML page.
_CSP = ("default-src 'self'; script-src 'self'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'self'; frame-ancestors 'none'; form-action 'self'; style-src 'sha256-"
        + base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode() + "'")


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = (f"<!doctype html><html><head><meta charset='utf-8'><title>{title} (simulated)"
            f"</title><style>{_STYLE}</style></head><body>"
            "<p class='sim'>SIMULATED — the embedded payment gateway; no real money moves.</p>"
            f"<h1>{title} (simulated)</h1>{body}</body></html>")
    return web.Response(text=text, status=status, content_type="text/html",
                        headers={"Content-Security-Policy": _CSP})


def _error(exc: DomainError) -> web.Response:
    return _page("Not available", f"<p>{html.escape(exc.message)}</p>",
                 _STATUS.get(exc.code, 409))


async def _deliver(request: web.Request, payload: str, signature: str) -> tuple[int, str]:
    """POST the signed event to this server's webhook endpoint, as Stripe would."""
    url = request.url.origin().with_path(API_PREFIX + STRIPE_WEBHOOK_PATH)
    async with aiohttp.ClientSession() as session, session.post(
            url, data=payload.encode(),
            headers={"Stripe-Signature": signature,
                     "Content-Type": "application/json"}) as response:
        return response.status, await response.text()


async def show_checkout(request: web.Request) -> web.Response:
    try:
        escrow = await simulated_payments.simulated_checkout(deps_of(request),
                                                            request.match_info["reference"])
    except DomainError as exc:
        return _error(exc)
    amount = format_money(escrow.amount, escrow.currency)
    state = html.escape(str(escrow.state))
    return _page("Checkout", (
        f"<p>Escrow for challenge <code>{html.escape(escrow.challenge_id)}</code>: "
        f"<strong>{amount}</strong> (simulated, {escrow.amount} minor units).</p>"
        f"<p>Escrow state: <strong>{state}</strong> (simulated).</p>"
        "<form method='post'><button type='submit'>Pay (simulated)</button></form>"))


async def _send_event(request: web.Request, signed: Awaitable[tuple[str, str]],
                      failed_title: str, done_title: str, done_text: str) -> web.Response:
    """Send a simulated provider event through the real webhook and show how it went."""
    try:
        payload, signature = await signed
    except DomainError as exc:
        return _error(exc)
    status, answer = await _deliver(request, payload, signature)
    if status != 200:
        return _page(failed_title, f"<p>The webhook answered {status}: "
                     f"{html.escape(answer[:500])}</p>", 502)
    return _page(done_title, f"<p>{done_text}</p>")


async def pay_checkout(request: web.Request) -> web.Response:
    return await _send_event(
        request, simulated_payments.pay_simulated_checkout(deps_of(request),
                                                           request.match_info["reference"]),
        "Payment not recorded", "Paid", "The simulated payment was sent through the payment "
        "webhook. You can close this page (simulated).")


async def show_onboarding(request: web.Request) -> web.Response:
    try:
        await simulated_payments.simulated_onboarding(deps_of(request),
                                                      request.match_info["account_ref"])
    except DomainError as exc:
        return _error(exc)
    return _page("Payout onboarding", (
        "<p>Here Stripe would ask for identity and bank details. Nothing is asked (simulated).</p>"
        "<form method='post'><button type='submit'>Finish onboarding (simulated)</button>"
        "</form>"))


async def finish_onboarding(request: web.Request) -> web.Response:
    return await _send_event(
        request, simulated_payments.finish_simulated_onboarding(
            deps_of(request), request.match_info["account_ref"]),
        "Onboarding not recorded", "Payouts enabled", "Payouts to you are enabled (simulated).")


def add_simulated_pages(app: web.Application) -> None:
    app.router.add_get("/simulated-checkout/{reference}", show_checkout)
    app.router.add_post("/simulated-checkout/{reference}", pay_checkout)
    app.router.add_get("/simulated-onboarding/{account_ref}", show_onboarding)
    app.router.add_post("/simulated-onboarding/{account_ref}", finish_onboarding)
