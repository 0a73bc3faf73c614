"""The simulated gateway's pages (embedded mode only): checkout and payout onboarding.

Their buttons deliver the event Stripe would send, signed with this process's webhook secret,
to our own ``POST /api/v1/webhooks/stripe`` over HTTP: simulated money takes the real path.
The event goes to this server itself (the socket the request arrived on, else the configured
public URL), never to the request's ``Host``, which a visitor chooses.
"""

from __future__ import annotations

import html
from collections.abc import Awaitable

import aiohttp
from aiohttp import web
from yarl import URL

from domain.errors import DomainError
from domain.money import format_money
from domain.services import simulated_payments
from realtime.api.core import API_PREFIX, deps_of
from realtime.api.webhooks import STRIPE_WEBHOOK_PATH
from realtime.webclient import PAGE_HEADERS

_STATUS = {"validation_error": 400, "not_found": 404, "forbidden": 403}
DELIVERY_TIMEOUT = aiohttp.ClientTimeout(total=5)
STYLESHEET_PATH = "/simulated-pages.css"
# Served as a file of our own: the pages' Content-Security-Policy allows no inline style.
_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f5f7;color:#1d2330;
margin:0;padding:3rem 1rem}
main{max-width:30rem;margin:0 auto;background:#fff;border-radius:12px;padding:2rem;
box-shadow:0 2px 14px rgba(20,30,60,.08)}
.sim{background:#fff3cd;border:2px dashed #b8860b;border-radius:8px;padding:.6rem .8rem;
font-weight:600;font-size:.9rem;margin:0 0 1.5rem}
h1{font-size:1.3rem;margin:0 0 .3rem}
.challenge{color:#555;margin:0 0 1.5rem}
.amount{font-size:2rem;font-weight:700;margin:.2rem 0 1.5rem}
.muted{color:#6b7280;font-size:.85rem}
button{font-size:1.05rem;padding:.7rem 1.4rem;border:0;border-radius:8px;background:#3b5bdb;
color:#fff;cursor:pointer;width:100%}
button:hover{background:#2f4ac0}
a{color:#3b5bdb}
"""


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = ("<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width,initial-scale=1'>"
            f"<title>{html.escape(title)} (simulated)</title>"
            f"<link rel='stylesheet' href='{STYLESHEET_PATH}'></head><body><main>"
            "<p class='sim'>SIMULATED — the embedded payment gateway; no real money moves.</p>"
            f"<h1>{html.escape(title)} (simulated)</h1>{body}</main></body></html>")
    return web.Response(text=text, status=status, content_type="text/html",
                        headers=PAGE_HEADERS)


def _error(exc: DomainError) -> web.Response:
    return _page("Not available", f"<p>{html.escape(exc.message)}</p>",
                 _STATUS.get(exc.code, 409))


def own_address(request: web.Request) -> URL:
    """This server: the local end of the request's socket, else the configured public URL."""
    sockname = request.transport.get_extra_info("sockname") if request.transport else None
    if isinstance(sockname, tuple) and len(sockname) >= 2:
        host, port = str(sockname[0]), int(sockname[1])
        if host in ("0.0.0.0", "::", ""):
            host = "127.0.0.1"
        return URL.build(scheme="http", host=host, port=port)
    return URL(deps_of(request).public_url)


async def _deliver(request: web.Request, payload: str, signature: str) -> tuple[int, str]:
    """POST the signed event to this server's webhook endpoint, as Stripe would."""
    url = own_address(request).with_path(API_PREFIX + STRIPE_WEBHOOK_PATH)
    try:
        async with aiohttp.ClientSession(timeout=DELIVERY_TIMEOUT) as session, session.post(
                url, data=payload.encode(),
                headers={"Stripe-Signature": signature,
                         "Content-Type": "application/json"}) as response:
            return response.status, await response.text()
    except (aiohttp.ClientError, TimeoutError) as exc:
        return 504, f"the webhook could not be reached: {exc!r}"


def _back_link(challenge_id: str, title: str) -> str:
    return (f"<p><a href='/challenges/{html.escape(challenge_id)}'>← Back to "
            f"{html.escape(title)}</a></p>")


async def show_checkout(request: web.Request) -> web.Response:
    try:
        escrow, challenge = await simulated_payments.checkout_page(
            deps_of(request), request.match_info["reference"])
    except DomainError as exc:
        return _error(exc)
    amount = html.escape(format_money(escrow.amount, escrow.currency))
    state = html.escape(str(escrow.state).replace("_", " "))
    return _page("Checkout", (
        f"<p class='challenge'>Escrow for <strong>{html.escape(challenge.title)}</strong></p>"
        f"<p class='amount'>{amount}</p>"
        f"<p class='muted'>Escrow state: {state} (simulated, {escrow.amount} minor units).</p>"
        "<form method='post'><button type='submit'>Pay (simulated)</button></form>"
        + _back_link(challenge.id, challenge.title)))


async def _send_event(request: web.Request, signed: Awaitable[tuple[str, str]],
                      failed_title: str, done_title: str, done_html: str) -> web.Response:
    """Send a simulated provider event through the real webhook and show how it went."""
    try:
        payload, signature = await signed
    except DomainError as exc:
        return _error(exc)
    status, answer = await _deliver(request, payload, signature)
    if status != 200:
        return _page(failed_title, f"<p>The webhook answered {status}: "
                     f"{html.escape(answer[:500])}</p>", 502)
    return _page(done_title, done_html)


async def pay_checkout(request: web.Request) -> web.Response:
    deps, reference = deps_of(request), request.match_info["reference"]
    try:
        _, challenge = await simulated_payments.checkout_page(deps, reference)
    except DomainError as exc:
        return _error(exc)
    return await _send_event(
        request, simulated_payments.pay_simulated_checkout(deps, reference),
        "Payment not recorded", "Paid", "<p>The simulated payment was sent through the "
        "payment webhook (simulated).</p>" + _back_link(challenge.id, challenge.title))


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
        "Onboarding not recorded", "Payouts enabled",
        "<p>Payouts to you are enabled (simulated).</p><p><a href='/'>Back to OpenChance</a></p>")


async def stylesheet(request: web.Request) -> web.Response:
    return web.Response(text=_STYLE, content_type="text/css",
                        headers={"Cache-Control": "no-cache",
                                 "X-Content-Type-Options": "nosniff"})


def add_simulated_pages(app: web.Application) -> None:
    app.router.add_get(STYLESHEET_PATH, stylesheet)
    app.router.add_get("/simulated-checkout/{reference}", show_checkout)
    app.router.add_post("/simulated-checkout/{reference}", pay_checkout)
    app.router.add_get("/simulated-onboarding/{account_ref}", show_onboarding)
    app.router.add_post("/simulated-onboarding/{account_ref}", finish_onboarding)
