"""Schemathesis fuzzes every operation of /api/v1/openapi.json: no input may cause a 5xx.

FUZZ_EXAMPLES (default 10) sets the examples per operation; see the README for a longer run.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from openchance.serve import create_app
from openchance.settings import Settings
from realtime.api.core import API_ROUTES
from realtime.api.openapi import build_openapi
from tests.api.conftest import API, PASSWORD
from tests.api.live_server import LiveServer, live_server

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with live_server() as running:
        yield running


def _openapi_document() -> dict:
    """The document the app serves, built without starting it (the test checks they match)."""
    app = create_app(Settings(_env_file=None, redis_url=None))
    return build_openapi(app[API_ROUTES])


DOCUMENT = _openapi_document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


def test_the_served_document_is_the_fuzzed_one(server: LiveServer) -> None:
    served = requests.get(f"{server.base_url}{API}/openapi.json", timeout=10).json()
    assert served == DOCUMENT


def _throwaway_token(server: LiveServer) -> str:
    """Logout revokes the token it carries, so it gets its own session each time."""
    email = f"logout-{os.urandom(4).hex()}@example.org"
    resp = requests.post(f"{server.base_url}{API}/auth/register", timeout=10,
                         json={"email": email, "password": PASSWORD, "display_name": "x"})
    return resp.json()["token"]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_input_causes_a_server_error(case, server: LiveServer) -> None:  # type: ignore[no-untyped-def]
    token = server.tokens["moderator"]
    if case.path == "/auth/logout":
        token = _throwaway_token(server)
    headers = {"Authorization": f"Bearer {token}"}
    if (case.headers or {}).get("Authorization") is not None:
        headers = {}  # keep the fuzzed header: bad tokens must be a 401, never a 500
    response = case.call(base_url=f"{server.base_url}{API}", headers=headers)
    case.validate_response(response, checks=[not_a_server_error])
