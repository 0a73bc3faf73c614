"""Nothing is stale after a disconnect. The challenger's page loses its live connection (the
test cuts the WebSocket and refuses new ones, as a dropped network would); meanwhile the
challenge is edited from another device, a solver applies and writes to them, and the escrow is
funded. No push can reach the page then. Once the connection is back, the page shows all of it
(challenge, applications, escrow, notifications, conversation list) without being reloaded."""

from __future__ import annotations

import re
import uuid
from typing import Any

import aiohttp
import socketio
from playwright.async_api import Page, WebSocketRoute, expect

from tests.web import http
from tests.web.conftest import Server
from tests.web.test_every_page import context_page
from tests.web.ui import DESKTOP

SOCKET = re.compile(r"/socket\.io/")


class Link:
    """The page's network as a dropped connection would leave it: its open WebSockets are
    closed (they pass through Playwright's route to the real server) and, until it is back,
    the browser is offline, so every new attempt fails at once."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.open: list[WebSocketRoute] = []

    async def attach(self) -> None:
        await self.page.route_web_socket(SOCKET, self._socket)

    def _socket(self, ws: WebSocketRoute) -> None:
        ws.connect_to_server()
        self.open.append(ws)

    async def cut(self) -> None:
        await self.page.context.set_offline(True)
        for ws in self.open:
            await ws.close()
        self.open.clear()

    async def restore(self) -> None:
        await self.page.context.set_offline(False)


async def solver_applies_and_writes(base: str, challenge_id: str, text: str) -> None:
    solver = await http.sign_up(base, "Sam Solver")
    application = await solver.call("POST", f"/challenges/{challenge_id}/applications",
                                    {"proposal": "I can do this by Friday."})
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(base, auth={"token": solver.token}, transports=["websocket"])
    try:
        opened = await client.call("conversation:open", {"application_id": application["id"]})
        sent = await client.call("message:send", {
            "conversation_id": opened["conversation"]["id"], "body": text,
            "client_id": uuid.uuid4().hex})
        assert sent["ok"], sent
    finally:
        await client.disconnect()


async def fund_and_pay(owner: http.Api, challenge_id: str) -> None:
    funding = await owner.call("POST", f"/challenges/{challenge_id}/escrow/fund")
    async with aiohttp.ClientSession() as session, session.post(funding["checkout_url"]) as paid:
        assert paid.status == 200, await paid.text()


async def test_a_disconnected_page_catches_up_without_a_reload(server: Server,
                                                               browser: Any) -> None:
    word = uuid.uuid4().hex[:6]
    owner = await http.sign_up(server.url, "Olive Owner")
    challenge = await owner.call("POST", "/challenges", {
        "title": f"Before the edit {word}", "description": "Watch me change.",
        "category": "writing", "tags": [], "difficulty": "easy",
        "reward": {"amount": 2500, "currency": "usd"}})
    page = await context_page(browser, DESKTOP, owner)
    link = Link(page)
    await link.attach()
    await page.goto(f"{server.url}/challenges/{challenge['id']}")
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Before the edit {word}")
    await expect(page.locator(".conn-online")).to_be_visible()
    await expect(page.get_by_role("button", name="Fund escrow")).to_be_visible()
    await page.evaluate("window.sameDocument = true")

    await link.cut()
    await expect(page.locator(".conn")).to_have_text("reconnecting…")
    await owner.call("PATCH", f"/challenges/{challenge['id']}", {"title": f"After the edit {word}"})
    await solver_applies_and_writes(server.url, challenge["id"], f"Hello {word}")
    await fund_and_pay(owner, challenge["id"])
    # Still disconnected: the page has heard none of it.
    await page.wait_for_timeout(500)
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"Before the edit {word}")

    await link.restore()
    await expect(page.locator(".conn-online")).to_be_visible(timeout=20_000)
    await expect(page.get_by_role("heading", level=1)).to_have_text(f"After the edit {word}")
    await expect(page.locator(".application")).to_contain_text("I can do this by Friday.")
    await expect(page.locator(".escrow p .badge").first).to_have_text("funded")
    await expect(page.get_by_role("link", name=re.compile(r"^Alerts \d+ unread$"))).to_be_visible()
    await expect(page.get_by_role("link", name="Chat 1 unread")).to_be_visible()
    assert await page.evaluate("window.sameDocument === true"), "the page was reloaded"
