"""Mounts everything about money: the escrow and payout routes, the payment webhook, and the
simulated gateway's pages (one call from ``realtime/app.py``, after ``setup_api(app)``)."""

from __future__ import annotations

from aiohttp import web

from realtime.api import checkout_page, escrow_routes, webhooks
from realtime.api.core import add_api_routes


def setup_payments(app: web.Application) -> None:
    add_api_routes(app, escrow_routes.routes)
    add_api_routes(app, webhooks.routes)
    checkout_page.add_simulated_pages(app)
