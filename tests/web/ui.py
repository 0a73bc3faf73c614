"""What a person does in the web client, as Playwright steps (shared by the browser tests)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from playwright.async_api import Page, expect

PASSWORD = "correct horse battery"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


async def new_page(browser: Any, viewport: dict[str, int], dialogs: list[str]) -> Page:
    """A page in its own context (own storage: its own signed-in user); every JS dialog
    (alert/confirm) it ever opens is recorded in ``dialogs`` and dismissed."""
    context = await browser.new_context(viewport=viewport)
    page = await context.new_page()
    page.set_default_timeout(15_000)

    async def record(dialog: Any) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", record)
    return page


async def sign_up(page: Page, base: str, name: str) -> str:
    email = f"{name.split()[0].lower()}-{uuid.uuid4().hex[:8]}@example.org"
    await page.goto(f"{base}/signup")
    await page.get_by_label("Display name").fill(name)
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign up").click()
    await expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    await expect(page.locator(".conn-online")).to_be_visible()
    return email


async def log_in(page: Page, base: str, email: str, password: str) -> None:
    await page.goto(f"{base}/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


async def confirm(page: Page, button: str, text: str | None = None) -> None:
    """Answer the open confirmation dialog (optionally typing its text first)."""
    dialog = page.get_by_role("dialog")
    await expect(dialog).to_be_visible()
    if text is not None:
        await dialog.get_by_role("textbox").fill(text)
    await dialog.get_by_role("button", name=button, exact=True).click()
    await expect(dialog).to_be_hidden()


async def shot(page: Page, folder: Path, name: str) -> None:
    await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def messages(page: Page) -> Any:
    """The confirmed messages of the open conversation (pending ones carry .pending)."""
    return page.locator(".messages li:not(.pending):not(.failed) .body")


async def send(page: Page, text: str) -> None:
    box = page.get_by_label("Message", exact=True)
    await box.fill(text)
    await box.press("Enter")
