"""Checks a browser test runs on any page: axe-core's accessibility rules, horizontal overflow,
and whether every item of the main navigation can be reached at the page's size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

NODE_TOOLS = Path(__file__).resolve().parent / "node"
AXE = NODE_TOOLS / "node_modules" / "axe-core" / "axe.min.js"
LIGHTHOUSE = NODE_TOOLS / "node_modules" / "lighthouse"
BLOCKING = ("serious", "critical")


def need_node_tools() -> None:
    """axe-core and Lighthouse come from tests/web/node (scripts/setup --test installs them)."""
    if not AXE.is_file() or not LIGHTHOUSE.is_dir():
        pytest.fail("tests/web/node is not installed: run scripts/setup --test "
                    "(or `npm ci` in tests/web/node)")


async def settled(page: Page) -> None:
    """The page has its heading and nothing is still loading."""
    await expect(page.locator("main h1")).to_have_count(1)
    await expect(page.locator("main .loading")).to_have_count(0)


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now. The script goes in
    through the DevTools protocol (page.evaluate), so the page's CSP stays as served."""
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.evaluate(AXE.read_text())
    found: list[dict[str, Any]] = await page.evaluate("""async () => {
        const result = await axe.run(document, { resultTypes: ["violations"] });
        return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
    }""")
    return [v for v in found if v["impact"] in BLOCKING]


async def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its viewport (0: nothing scrolls sideways)."""
    return int(await page.evaluate(
        "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
        " - document.documentElement.clientWidth"))


_UNREACHABLE = """() => {
    const width = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.querySelectorAll("#main-nav a, #main-nav button")) {
        const box = el.getBoundingClientRect();
        const name = el.textContent.trim();
        if (!box.width || !box.height) { out.push(`${name}: not shown`); continue; }
        if (box.left < 0 || box.right > width + 0.5) {
            out.push(`${name}: outside the viewport`);
            continue;
        }
        const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        if (!hit || !(el === hit || el.contains(hit))) out.push(`${name}: covered`);
    }
    return out;
}"""


async def nav_problems(page: Page) -> list[str]:
    """Every item of the main navigation is on screen, uncovered; on a phone after opening the
    Menu button when there is one. Leaves the menu open (the caller's axe run checks it too)."""
    toggle = page.locator(".menu-toggle")
    if await toggle.is_visible():
        if await toggle.get_attribute("aria-expanded") != "true":
            await toggle.click()
        await expect(page.locator("#main-nav")).to_be_visible()
    await page.evaluate("window.scrollTo(0, 0)")
    problems: list[str] = await page.evaluate(_UNREACHABLE)
    if not await page.locator("#main-nav a, #main-nav button").count():
        problems.append("the navigation has no items")
    return problems
