"""Turning a kind off for the web channel, in a real browser: it still lands in the inbox
live, without a toast; turned back on, the toast shows again."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from playwright.async_api import Page, expect

from tests.web.conftest import Server
from tests.web.test_e2e_flow import post_challenge
from tests.web.ui import DESKTOP, new_page, sign_up


async def set_web_alert(page: Page, base: str, on: bool) -> None:
    await page.goto(f"{base}/settings/notifications")
    box = page.get_by_label("New applications by Web")
    if await box.is_checked() != on:
        await box.click()
        await expect(page.locator(".toast").filter(has_text="Saved.")).to_be_visible()
    await expect(box).to_be_checked(checked=on)


async def apply(page: Page, url: str, text: str) -> None:
    await page.goto(url)
    await page.get_by_label("Your proposal").fill(text)
    await page.get_by_role("button", name="Send application").click()
    await expect(page.locator(".toast").filter(has_text="application was sent")).to_be_visible()


async def test_a_kind_off_for_the_web_reaches_the_inbox_without_a_toast(
        server: Server, browser: Any, screenshots: Path) -> None:
    dialogs: list[str] = []
    owner, solver, other = [await new_page(browser, DESKTOP, dialogs) for _ in range(3)]
    word = f"mute{uuid.uuid4().hex[:6]}"
    await sign_up(owner, server.url, "Mira Muted")
    await sign_up(solver, server.url, "Sol Solver")
    await sign_up(other, server.url, "Oda Other")
    first = await post_challenge(owner, f"Quiet {word}")
    second = await post_challenge(owner, f"Loud {word}")
    await set_web_alert(owner, server.url, on=False)
    await owner.get_by_role("link", name=re.compile("^Alerts")).click()
    inbox = owner.get_by_role("list", name="Notifications")

    await apply(solver, first, "Muted, but kept.")
    await expect(inbox).to_contain_text(f"Quiet {word}")  # live, without a reload
    await expect(owner.locator(".toast").filter(has_text="New application")).to_have_count(0)

    await set_web_alert(owner, server.url, on=True)
    await apply(other, second, "This one shows.")
    await expect(owner.locator(".toast").filter(has_text="New application")).to_be_visible()
    assert dialogs == []
