"""realtime/webclient.py: the built client at /, index.html for client routes, and nothing
shadowed: the API, Socket.IO, /healthz and the simulated checkout answer as before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from openchance.serve import create_app
from openchance.settings import Settings
from realtime.webclient import WEB_DIST, setup_webclient

INDEX = "<!doctype html><title>client</title><div id=app></div>"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('client')")
    (tmp_path / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path.parent / "secret.txt").write_text("outside dist")
    return tmp_path


@pytest.fixture
async def client(aiohttp_client: Any, dist: Path, storage: Any, deps: Any) -> Any:
    app = create_app(Settings(_env_file=None), deps, storage=storage)
    app[WEB_DIST] = dist     # the real app, its web client files from a test folder
    return await aiohttp_client(app)


async def test_root_and_client_routes_get_index_html(client: Any) -> None:
    for path in ("/", "/challenges/abc", "/chat/42", "/users/7", "/some/unknown/page"):
        response = await client.get(path)
        assert response.status == 200, path
        assert await response.text() == INDEX
        assert response.headers["Cache-Control"] == "no-cache"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]


async def test_built_files_are_served_with_the_right_caching(client: Any) -> None:
    asset = await client.get("/assets/index-abc123.js")
    assert asset.status == 200
    assert await asset.text() == "console.log('client')"
    assert "javascript" in asset.headers["Content-Type"]
    assert "immutable" in asset.headers["Cache-Control"]
    icon = await client.get("/favicon.svg")
    assert icon.status == 200 and "svg" in icon.headers["Content-Type"]
    head = await client.head("/")
    assert head.status == 200


async def test_a_missing_asset_is_404_not_html(client: Any) -> None:
    response = await client.get("/assets/index-gone.js")
    assert response.status == 404


async def test_paths_cannot_escape_dist(client: Any) -> None:
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"):
        response = await client.get(path)
        assert "outside dist" not in await response.text(), path


async def test_server_routes_are_not_shadowed(client: Any) -> None:
    health = await client.get("/healthz")
    assert health.status == 200 and await health.json() == {"status": "ok"}
    listing = await client.get("/api/v1/challenges")
    assert listing.status == 200 and "items" in await listing.json()
    unknown_api = await client.get("/api/v1/no-such-route")
    assert unknown_api.status == 404
    assert (await unknown_api.json())["error"]["code"] == "not_found"
    sockets = await client.get("/socket.io/?EIO=4&transport=polling")
    assert await sockets.text() != INDEX                  # Engine.IO's answer (or a 404)
    webhook = await client.get("/webhooks/nothing-here")
    assert webhook.status == 404 and await webhook.text() != INDEX


async def test_only_get_and_head_fall_back(client: Any) -> None:
    response = await client.post("/challenges/abc", json={})
    assert response.status in (404, 405)
    assert await response.text() != INDEX


async def test_a_route_registered_after_the_client_still_wins(aiohttp_client: Any,
                                                               dist: Path) -> None:
    app = web.Application()
    setup_webclient(app, dist)

    async def late(request: web.Request) -> web.Response:
        return web.Response(text="late route")

    app.router.add_get("/simulated-checkout/{ref}", late)
    client = await aiohttp_client(app)
    assert await (await client.get("/simulated-checkout/cs_1")).text() == "late route"
    assert await (await client.get("/elsewhere")).text() == INDEX


async def test_unbuilt_client_says_how_to_build_it(aiohttp_client: Any, tmp_path: Path) -> None:
    app = web.Application()
    setup_webclient(app, tmp_path / "missing")
    client = await aiohttp_client(app)
    response = await client.get("/")
    assert response.status == 503
    assert "scripts/build-web" in await response.text()
