"""GET /api/v1/openapi.json describes every mounted route from the pydantic models."""

from __future__ import annotations

from aiohttp.test_utils import TestClient

from tests.api.conftest import API
from tests.api.test_http_edges import OUR_ROUTES


async def test_document_lists_every_route_with_its_models(client: TestClient) -> None:
    resp = await client.get(f"{API}/openapi.json")
    assert resp.status == 200
    doc = await resp.json()
    assert doc["openapi"].startswith("3.1") and doc["servers"] == [{"url": API}]
    schemas = doc["components"]["schemas"]
    for spec in OUR_ROUTES:
        operation = doc["paths"][spec.path][spec.method.lower()]
        assert str(spec.status) in operation["responses"], spec.path
        if spec.body is not None:
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.rsplit("/", 1)[1] in schemas
        if spec.auth == "required":
            assert operation["security"] == [{"bearerAuth": []}]
    listing = doc["paths"]["/challenges"]["get"]
    params = {p["name"]: p for p in listing["parameters"]}
    assert {"q", "category", "tag", "min_reward", "max_reward", "state", "sort",
            "cursor"} <= set(params)
    assert params["min_reward"]["schema"]["type"] == "integer"
    register = schemas["RegisterInput"]
    assert set(register["required"]) == {"email", "password", "display_name"}
    assert register["additionalProperties"] is False
    text = await resp.text()
    assert "password_hash" not in text and "token_hash" not in text
