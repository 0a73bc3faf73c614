"""localstripe, run in-process on 127.0.0.1, plus a small test-only extension for what it lacks:
Checkout Sessions, Connect accounts and account links, transfers, and Stripe's idempotency
(a repeated ``Idempotency-Key`` answers the first response). The real ``stripe`` SDK talks to
it over HTTP; tests assert on what it holds (``transfers``, ``refunds()``, ``requests``)."""

from __future__ import annotations

import asyncio
import inspect
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import localstripe.resources as ls
from aiohttp import web
from aiohttp.test_utils import TestServer
from localstripe import server as ls_server
from localstripe.errors import UserError


def _new_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(8)}"


def _as_async(handler: Any) -> Any:
    if inspect.iscoroutinefunction(handler):
        return handler

    async def wrapped(request: web.Request) -> web.StreamResponse:
        return handler(request)
    return wrapped


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise UserError(400, f"not an integer: {value!r}") from None


@dataclass
class FakeStripe:
    url: str = ""
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)
    transfers: list[dict[str, Any]] = field(default_factory=list)
    # (method, path, Idempotency-Key) of every request that reached the fake.
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    _replies: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    _key_locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    # ---- what a test asserts on / drives ---------------------------------------------------

    def refunds(self) -> list[Any]:
        return [v for k, v in ls.store.items() if k.startswith("refund:")]

    def charge(self, charge_id: str) -> Any:
        return ls.Charge._api_retrieve(charge_id)

    def pay_session(self, session_id: str) -> dict[str, Any]:
        """The customer pays on the hosted page: a PaymentIntent is confirmed with a test card
        (localstripe creates its Charge); returns the ``checkout.session.completed`` event."""
        session = self.sessions[session_id]
        data = session["_payment_intent_data"]
        intent = ls.PaymentIntent._api_create(
            confirm=True, amount=session["amount_total"], currency=session["currency"],
            payment_method="pm_card_visa", metadata=dict(data.get("metadata") or {}))
        intent.transfer_group = data.get("transfer_group")
        intent.latest_charge.transfer_group = data.get("transfer_group")
        session.update(payment_intent=intent.id, payment_status="paid", status="complete")
        return self.event("checkout.session.completed", self.public(session))

    def intent_of(self, session_id: str) -> Any:
        return ls.PaymentIntent._api_retrieve(self.sessions[session_id]["payment_intent"])

    def enable_payouts(self, account_id: str, enabled: bool = True,
                       created: int | None = None) -> dict[str, Any]:
        account = self.accounts[account_id]
        account.update(payouts_enabled=enabled, details_submitted=enabled)
        return self.event("account.updated", dict(account), created=created)

    @staticmethod
    def event(event_type: str, obj: dict[str, Any], created: int | None = None
              ) -> dict[str, Any]:
        return {"id": _new_id("evt_"), "object": "event", "type": event_type,
                "created": created if created is not None else int(time.time()),
                "livemode": False, "data": {"object": obj}}

    @staticmethod
    def public(obj: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in obj.items() if not k.startswith("_")}

    # ---- the extension's HTTP side ---------------------------------------------------------

    @web.middleware
    async def idempotency(self, request: web.Request, handler: Any) -> web.StreamResponse:
        key = request.headers.get("Idempotency-Key")
        self.requests.append((request.method, request.path, key))
        if request.method != "POST" or not key:
            return await handler(request)
        lock = self._key_locks.setdefault(key, asyncio.Lock())
        async with lock:
            if key not in self._replies:
                response = await handler(request)
                assert isinstance(response, web.Response)
                self._replies[key] = (response.status, response.body or b"")  # type: ignore[assignment]
            status, body = self._replies[key]
        return web.Response(status=status, body=body, content_type="application/json")

    async def create_session(self, request: web.Request) -> web.Response:
        data = await ls_server.get_post_data(request) or {}
        items = data.get("line_items") or []
        if not items:
            raise UserError(400, "line_items is required")
        prices = [item["price_data"] for item in items]
        amount = sum(_int(p["unit_amount"]) * _int(item.get("quantity", 1))
                     for p, item in zip(prices, items, strict=True))
        session_id = _new_id("cs_test_")
        self.sessions[session_id] = {
            "id": session_id, "object": "checkout.session", "mode": data.get("mode"),
            "url": f"{self.url}/pay/{session_id}", "amount_total": amount,
            "currency": prices[0]["currency"], "metadata": data.get("metadata") or {},
            "client_reference_id": data.get("client_reference_id"),
            "payment_intent": None, "payment_status": "unpaid", "status": "open",
            "_payment_intent_data": data.get("payment_intent_data") or {}}
        return ls_server.json_response(self.public(self.sessions[session_id]))

    async def get_session(self, request: web.Request) -> web.Response:
        session = self.sessions.get(request.match_info["id"])
        if session is None:
            raise UserError(404, "No such checkout session")
        return ls_server.json_response(self.public(session))

    async def create_account(self, request: web.Request) -> web.Response:
        data = await ls_server.get_post_data(request) or {}
        account_id = _new_id("acct_")
        self.accounts[account_id] = {
            "id": account_id, "object": "account", "type": data.get("type"),
            "email": data.get("email"), "metadata": data.get("metadata") or {},
            "payouts_enabled": False, "details_submitted": False, "charges_enabled": False}
        return ls_server.json_response(self.accounts[account_id])

    async def get_account(self, request: web.Request) -> web.Response:
        account = self.accounts.get(request.match_info["id"])
        if account is None:
            raise UserError(404, "No such account")
        return ls_server.json_response(account)

    async def create_account_link(self, request: web.Request) -> web.Response:
        data = await ls_server.get_post_data(request) or {}
        if data.get("account") not in self.accounts or not data.get("return_url"):
            raise UserError(400, "account and return_url are required")
        return ls_server.json_response({
            "object": "account_link", "url": f"{self.url}/onboard/{data['account']}",
            "created": int(time.time()), "expires_at": int(time.time()) + 300})

    async def create_transfer(self, request: web.Request) -> web.Response:
        data = await ls_server.get_post_data(request) or {}
        amount = _int(data.get("amount"))
        if amount <= 0 or data.get("destination") not in self.accounts:
            raise UserError(400, "a positive amount and a known destination are required")
        source = data.get("source_transaction")
        if source is not None:
            charge = ls.Charge._api_retrieve(source)
            spent = sum(t["amount"] for t in self.transfers
                        if t["source_transaction"] == source)
            if spent + amount > charge.amount - charge.amount_refunded:
                raise UserError(400, "insufficient funds in the source transaction")
        transfer = {"id": _new_id("tr_"), "object": "transfer", "amount": amount,
                    "currency": data.get("currency"), "destination": data["destination"],
                    "source_transaction": source, "transfer_group": data.get("transfer_group"),
                    "metadata": data.get("metadata") or {}, "amount_reversed": 0,
                    "reversed": False, "created": int(time.time())}
        self.transfers.append(transfer)
        return ls_server.json_response(transfer)

    async def list_transfers(self, request: web.Request) -> web.Response:
        group = request.query.get("transfer_group")
        found = [t for t in self.transfers if group is None or t["transfer_group"] == group]
        return ls_server.json_response({"object": "list", "data": found,
                                        "has_more": False, "url": "/v1/transfers"})

    async def list_charges(self, request: web.Request) -> web.Response:
        """Stripe's ``GET /v1/charges?transfer_group=`` (localstripe has no such filter)."""
        group = request.query.get("transfer_group")
        found = [charge._export() for key, charge in ls.store.items()
                 if key.startswith("charge:")
                 and (group is None or getattr(charge, "transfer_group", None) == group)]
        for charge in found:
            charge.setdefault("captured", True)
        return ls_server.json_response({"object": "list", "data": found,
                                        "has_more": False, "url": "/v1/charges"})

    def application(self) -> web.Application:
        app = web.Application(middlewares=[ls_server.error_middleware,
                                           ls_server.auth_middleware, self.idempotency])
        app.router.add_post("/v1/checkout/sessions", self.create_session)
        app.router.add_get("/v1/checkout/sessions/{id}", self.get_session)
        app.router.add_post("/v1/accounts", self.create_account)
        app.router.add_get("/v1/accounts/{id}", self.get_account)
        app.router.add_post("/v1/account_links", self.create_account_link)
        app.router.add_post("/v1/transfers", self.create_transfer)
        app.router.add_get("/v1/transfers", self.list_transfers)
        app.router.add_get("/v1/charges", self.list_charges)
        for route in ls_server.app.router.routes():  # localstripe's own API
            info = route.resource.get_info() if route.resource else {}
            path = info.get("path") or info.get("formatter")
            if path and path.startswith("/v1/"):
                app.router.add_route(route.method, path, _as_async(route.handler))
        return app


async def start_fake_stripe(monkeypatch: Any) -> tuple[FakeStripe, TestServer]:
    # localstripe keeps one global store and pickles it to /tmp on every write, and mails
    # its own webhooks; tests want a private, in-memory store and deliver events themselves.
    monkeypatch.setattr(ls.Store, "dump_to_disk", lambda self: None)
    monkeypatch.setattr(ls, "schedule_webhook", lambda event: None)
    ls.store.clear()
    fake = FakeStripe()
    server = TestServer(fake.application(), host="127.0.0.1")
    await server.start_server()
    fake.url = str(server.make_url("")).rstrip("/")
    return fake, server
