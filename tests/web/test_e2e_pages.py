"""The other pages in a real browser: edit with live update, live notifications, report and
the moderator panel, link a chat account, and keyboard use (skip link, dialogs)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from domain.demo import DEMO_PASSWORD
from tests.web.conftest import Server
from tests.web.test_e2e_flow import post_challenge
from tests.web.ui import DESKTOP, PHONE, confirm, log_in, new_page, shot, sign_up


async def test_edit_notify_report_moderate_link(server: Server, browser: Any,
                                               screenshots: Path) -> None:
    dialogs: list[str] = []
    owner = await new_page(browser, DESKTOP, dialogs)
    other = await new_page(browser, PHONE, dialogs)
    word = f"qk{uuid.uuid4().hex[:6]}"
    await sign_up(owner, server.url, "Olga Owner")
    await sign_up(other, server.url, "Otto Other")
    url = await post_challenge(owner, f"Logo for {word}")

    # Someone is looking at the challenge while its owner edits it: the page follows.
    await other.goto(url)
    await owner.get_by_role("link", name="Edit").click()
    await expect(owner.get_by_role("heading", name="Edit challenge")).to_be_visible()
    await owner.get_by_label("Title").fill(f"Chess club logo {word}")
    await owner.get_by_role("button", name="Save changes").click()
    await expect(owner.get_by_role("heading", level=1, name=f"Chess club logo {word}")
                 ).to_be_visible()
    await expect(other.get_by_role("heading", level=1, name=f"Chess club logo {word}")
                 ).to_be_visible()

    # Applying notifies the owner live: a toast and the unread count, no reload.
    await other.get_by_label("Your proposal").fill("Three sketches by Friday.")
    await other.get_by_role("button", name="Send application").click()
    await expect(owner.locator(".toast").filter(has_text="New application")).to_be_visible()
    await owner.get_by_role("link", name=re.compile("^Alerts")).click()
    await expect(owner.get_by_role("list", name="Notifications")).to_contain_text(word)
    await shot(owner, screenshots, "notifications")

    # A report, then the moderator handles it and removes the challenge.
    await other.get_by_role("button", name="Report challenge").click()
    await confirm(other, "Send report", f"Spam {word}")
    challenge_id = url.rsplit("/", 1)[1]
    mod = await new_page(browser, DESKTOP, dialogs)
    await log_in(mod, server.url, "mod@demo.openchance", DEMO_PASSWORD)
    await mod.get_by_role("link", name="Moderate").click()
    report = mod.locator("li.card").filter(has_text=f"Spam {word}")
    await expect(report).to_be_visible()
    await shot(mod, screenshots, "moderation")
    await report.get_by_role("button", name="Mark resolved").click()
    await confirm(mod, "Confirm")
    await expect(report).to_be_hidden()
    await mod.get_by_label("Challenge id").first.fill(challenge_id)
    await mod.get_by_role("button", name="Remove challenge").click()
    await confirm(mod, "Remove", "Reported as spam")
    await expect(mod.locator(".toast").filter(has_text="Challenge removed")).to_be_visible()
    await expect(other.locator(".meta .badge").first).to_have_text("removed")   # live

    # Linking a chat account shows a one-time code.
    await owner.get_by_role("link", name="Me").click()
    await owner.get_by_role("button", name="Get a link code").click()
    code = owner.locator(".link-code")
    await expect(code).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
    await shot(owner, screenshots, "link-account")
    assert dialogs == []


async def test_keyboard_skip_link_and_dialogs(server: Server, browser: Any,
                                              screenshots: Path) -> None:
    dialogs: list[str] = []
    page = await new_page(browser, PHONE, dialogs)
    await page.goto(f"{server.url}/challenges")
    await expect(page.get_by_role("heading", name="Challenges")).to_be_visible()
    await shot(page, screenshots, "browse-phone")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile("#main$"))

    await sign_up(page, server.url, "Kim Keys")
    await page.goto(f"{server.url}/challenges")
    await page.get_by_role("link", name="Speed up our CSV importer").first.focus()
    await page.keyboard.press("Enter")
    report = page.get_by_role("button", name="Report challenge")
    await report.focus()
    await page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_role("textbox", name="Reason")).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(dialog).to_be_hidden()
    assert dialogs == []


async def test_a_visitor_lands_reads_and_logs_in_to_apply(server: Server, browser: Any) -> None:
    """The first screen says what OpenChance is and lists live open challenges; a challenge's
    page tells a visitor how to apply, and logging in brings them back to it."""
    dialogs: list[str] = []
    page = await new_page(browser, PHONE, dialogs)
    await page.goto(f"{server.url}/")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Pay only for results")
    await expect(page.get_by_text("OpenChance is a marketplace for challenges")).to_be_visible()
    listed = page.get_by_role("list", name="Open challenges")
    await listed.get_by_role("link", name="Speed up our CSV importer").click()
    await expect(page.get_by_role("heading", level=1, name="Speed up our CSV importer")
                 ).to_be_visible()
    await page.get_by_role("link", name="Log in to apply").click()
    await page.get_by_label("Email").fill("carol@demo.openchance")
    await page.get_by_label("Password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", level=1, name="Speed up our CSV importer")
                 ).to_be_visible()
    await expect(page.get_by_label("Your proposal")).to_be_visible()
    assert dialogs == []
