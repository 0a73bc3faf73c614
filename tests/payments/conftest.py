"""Payments fixtures: the fake Stripe (localstripe + extension) and an app wired to it."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import stripe
from aiohttp.test_utils import TestClient

from domain.adapters.stripe_gateway import StripeGateway
from domain.deps import Deps
from openchance.bootstrap import build_deps
from openchance.settings import Settings
from tests.api import conftest as api_fixtures
from tests.api.conftest import API, Members, make_app
from tests.conftest import Users
from tests.payments.fake_stripe import FakeStripe, start_fake_stripe

WEBHOOK_SECRET = "whsec_test_payments"
# The embedded app (offline gateway) and its signed-up members, as the API tests build them.
client = api_fixtures.client
members = api_fixtures.members


@pytest.fixture
async def fake_stripe(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeStripe]:
    fake, server = await start_fake_stripe(monkeypatch)
    yield fake
    await server.close()


@pytest.fixture
async def stripe_deps(storage: Any, fake_stripe: FakeStripe) -> AsyncIterator[Deps]:
    deps = build_deps(Settings(_env_file=None, stripe_secret_key="sk_test_openchance",
                               stripe_api_base=fake_stripe.url,
                               stripe_webhook_secret=WEBHOOK_SECRET))
    assert isinstance(deps.gateway, StripeGateway)
    deps.bus.keep_history = True
    yield deps
    await deps.gateway.close()


@pytest.fixture
async def stripe_client(aiohttp_client: Any, stripe_deps: Deps, storage: Any) -> TestClient:
    return await aiohttp_client(make_app(stripe_deps, storage))


@pytest.fixture
def stripe_members(stripe_client: TestClient, stripe_deps: Deps) -> Members:
    return Members(stripe_client, Users(stripe_deps))


def signed(event: dict[str, Any], secret: str = WEBHOOK_SECRET,
           timestamp: int | None = None) -> tuple[str, dict[str, str]]:
    """The body and headers Stripe would send, signed by the SDK's own helper."""
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret,
                                                               timestamp=timestamp)
    return payload, {"Stripe-Signature": header, "Content-Type": "application/json"}


async def deliver(app_client: TestClient, event: dict[str, Any], **signing: Any) -> Any:
    payload, headers = signed(event, **signing)
    return await app_client.post(f"{API}/webhooks/stripe", data=payload, headers=headers)
