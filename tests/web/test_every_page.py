"""Every page of the web client, at a phone's size (390x844) and a desktop's (1280x900), for a
visitor and for signed-in users: nothing scrolls sideways, every navigation item can be reached,
and axe-core finds no serious or critical accessibility violation. The pages are the client's own
route table (web/src/main.jsx), so a page added there is checked here without a new line.
Screenshots of each go to test-artifacts/screenshots/pages/."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from domain.demo import DEMO_PASSWORD
from tests.web import http
from tests.web.checks import (
    axe_violations,
    horizontal_overflow,
    nav_problems,
    need_node_tools,
    settled,
)
from tests.web.conftest import Server
from tests.web.ui import DESKTOP, PHONE

MAIN = Path(__file__).resolve().parents[2] / "web" / "src" / "main.jsx"
# One line of the table: ["/challenges/:id/edit", ChallengeForm, {}, true], (true: signed in only)
ROUTE = re.compile(r'^\s*\["(?P<path>/[^"]*)",\s*\w+(?:,\s*\{[^}]*\})?(?P<user>,\s*true)?\],?$',
                   re.M)


def routes() -> list[tuple[str, bool]]:
    """(pattern, needs a signed-in user) for each route of the client."""
    found = [(m["path"], bool(m["user"])) for m in ROUTE.finditer(MAIN.read_text())]
    assert len(found) >= 10, f"could not read the route table of {MAIN}"
    return found


async def samples(base: str) -> tuple[dict[str, str], http.Api, http.Api]:
    """A value for each route parameter, keyed by what precedes it, from the demo data (Alice
    owns the first challenge and talks with Bob about his application)."""
    alice = await http.log_in(base, "alice@demo.openchance", DEMO_PASSWORD)
    mod = await http.log_in(base, "mod@demo.openchance", DEMO_PASSWORD)
    mine = await alice.call("GET", f"/challenges?owner_id={alice.user['id']}&sort=deadline")
    chats = await alice.call("GET", "/conversations")
    values = {"/challenges/": mine["items"][0]["id"], "/users/": alice.user["id"],
              "/chat/": chats["items"][0]["id"]}
    return values, alice, mod


def fill(pattern: str, values: dict[str, str]) -> str:
    def value(param: re.Match[str]) -> str:
        before = pattern[: param.start()]
        for prefix, sample in values.items():
            if before.endswith(prefix):
                return sample
        pytest.fail(f"no sample value for {param[0]} in the route {pattern}: add one to samples()")
    return re.sub(r":\w+", value, pattern)


async def check(page: Page, base: str, path: str, name: str, folder: Path,
                pattern: str | None = None) -> list[str]:
    await page.goto(base + path)
    await settled(page)
    problems = []
    if (extra := await horizontal_overflow(page)) > 0:
        problems.append(f"{path} [{name}]: {extra}px wider than the screen")
    slug = re.sub(r"[^a-z0-9]+", "-", (pattern or path).lower()).strip("-") or "landing"
    await page.screenshot(path=str(folder / f"{name}-{slug}.png"), full_page=True)
    problems += [f"{path} [{name}]: nav {p}" for p in await nav_problems(page)]
    problems += [f"{path} [{name}]: axe {v['id']} ({v['impact']}): {v['help']} at {v['nodes']}"
                 for v in await axe_violations(page)]
    return problems


async def context_page(browser: Any, viewport: dict[str, int], signed_in: http.Api | None) -> Page:
    context = await browser.new_context(viewport=viewport)
    if signed_in is not None:
        await context.add_init_script(
            f"localStorage.setItem('openchance.session', {json.dumps(signed_in.session_json())})")
    page = await context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.mark.parametrize("size", ["phone", "desktop"])
async def test_every_page_fits_reaches_its_nav_and_passes_axe(
        server: Server, browser: Any, screenshots: Path, size: str) -> None:
    need_node_tools()
    folder = screenshots / "pages"
    folder.mkdir(exist_ok=True)
    viewport = PHONE if size == "phone" else DESKTOP
    values, alice, mod = await samples(server.url)
    table = routes()
    visitor = await context_page(browser, viewport, None)
    member = await context_page(browser, viewport, alice)
    moderator = await context_page(browser, viewport, mod)

    problems: list[str] = []
    for pattern, needs_user in [*table, ("/no-such-page", False)]:
        path = fill(pattern, values)
        if not needs_user:
            problems += await check(visitor, server.url, path, f"{size}-visitor", folder, pattern)
        problems += await check(member, server.url, path, f"{size}-member", folder, pattern)
    # The moderator's own page, with the Moderate item in the navigation.
    problems += await check(moderator, server.url, "/mod", f"{size}-moderator", folder)

    # Live regions: toasts and new messages are announced.
    await expect(member.locator(".toasts")).to_have_attribute("aria-live", "polite")
    await member.goto(server.url + fill("/chat/:conversationId", values))
    await expect(member.locator(".messages")).to_have_attribute("aria-live", "polite")
    assert problems == [], "\n".join(problems)


async def test_phone_menu_by_keyboard(server: Server, browser: Any) -> None:
    """Focus order on a phone: skip link, brand, Menu; Enter opens the menu and moves on into
    it, Escape closes it and gives focus back to the button."""
    _, alice, _ = await samples(server.url)
    page = await context_page(browser, PHONE, alice)
    await page.goto(f"{server.url}/dashboard")
    await settled(page)
    order = []
    for _ in range(3):
        await page.keyboard.press("Tab")
        order.append(await page.evaluate("document.activeElement.textContent.trim()"))
    assert order[:2] == ["Skip to content", "OpenChance"] and order[2].startswith("Menu"), order
    menu = page.get_by_role("button", name="Menu")
    await expect(menu).to_have_attribute("aria-expanded", "false")
    await expect(page.get_by_role("link", name="Dashboard")).to_be_hidden()
    await page.keyboard.press("Enter")
    await expect(menu).to_have_attribute("aria-expanded", "true")
    await page.keyboard.press("Tab")
    browse = page.get_by_role("link", name="Browse", exact=True)
    await expect(browse).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(menu).to_be_focused()
    await expect(browse).to_be_hidden()
    # Following a link from the menu closes it.
    await page.keyboard.press("Enter")
    await page.get_by_role("link", name="Me", exact=True).click()
    await expect(page.get_by_role("heading", name="My account")).to_be_visible()
    await expect(menu).to_have_attribute("aria-expanded", "false")
