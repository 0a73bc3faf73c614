"""Account security in a real browser: a forgotten password reset through the mailed link
(read in the local outbox), two-factor enrolment then a sign-in with a code, and an admin
giving a role that the audit log then shows."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pyotp
from playwright.async_api import expect

from domain.demo import DEMO_PASSWORD
from tests.web.conftest import Server
from tests.web.ui import DESKTOP, PHONE, confirm, log_in, new_page, shot, sign_up

NEW_PASSWORD = "lantern harbour nine"


async def test_reset_a_forgotten_password_from_the_mailed_link(
        server: Server, browser: Any, screenshots: Path) -> None:
    page = await new_page(browser, PHONE, [])
    email = await sign_up(page, server.url, "Rita Reset")
    await page.get_by_role("button", name="Menu").click()     # a phone: the nav is a menu
    await page.get_by_role("button", name="Sign out", exact=True).click()

    await page.goto(f"{server.url}/login")
    await page.get_by_role("link", name="Forgot your password?").click()
    await page.get_by_label("Email").fill(email)
    await page.get_by_role("button", name="Mail me a link").click()
    await expect(page.get_by_role("status")).to_contain_text("we mailed it a link")

    # Embedded mode keeps the mail in the local outbox, which says so.
    await page.get_by_role("link", name="open the local outbox").click()
    await expect(page.get_by_role("note")).to_contain_text("nothing here was sent")
    row = page.get_by_role("row").filter(has_text=email).filter(has_text="Reset your")
    await row.get_by_role("link").click()
    await page.locator(".mail-text a", has_text="/reset-password").click()

    await expect(page.get_by_role("heading", name="Choose a new password")).to_be_visible()
    await page.get_by_label("New password").fill("password123")  # a common one: refused
    await page.get_by_role("button", name="Set password").click()
    await expect(page.get_by_role("alert")).to_contain_text("common")
    await page.get_by_label("New password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Set password").click()
    await expect(page.get_by_role("status")).to_contain_text("every device was signed out")
    await shot(page, screenshots, "password-reset")

    await page.get_by_role("link", name="Log in").first.click()
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill(NEW_PASSWORD)
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


async def test_turn_on_two_factor_then_sign_in_with_a_code(
        server: Server, browser: Any, screenshots: Path) -> None:
    page = await new_page(browser, DESKTOP, [])
    email = await sign_up(page, server.url, "Tom Totp")
    await page.goto(f"{server.url}/settings/security")
    await page.get_by_role("button", name="Set up two-factor").click()
    secret = (await page.locator(".totp-secret").inner_text()).strip()
    totp = pyotp.TOTP(secret)
    await page.get_by_label("Code from the app").fill("000000" if totp.now() != "000000"
                                                       else "111111")
    await page.get_by_role("button", name="Turn on two-factor").click()
    await expect(page.get_by_role("alert")).to_contain_text("wrong code")
    await expect(page.get_by_role("heading", name="Security and privacy")).to_be_visible()
    await page.get_by_label("Code from the app").fill(totp.now())
    await page.get_by_role("button", name="Turn on two-factor").click()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    await expect(codes).to_have_count(10)
    await shot(page, screenshots, "two-factor-on")

    await page.get_by_role("button", name="Sign out", exact=True).click()
    await page.goto(f"{server.url}/login")
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Password").fill("correct horse battery")
    await page.get_by_role("button", name="Log in").click()
    code = page.get_by_label("Authentication code")
    await expect(code).to_be_visible()
    await code.fill(totp.at(time.time() + 30))  # the enrolment used this step's code
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


async def test_an_admin_makes_a_moderator_and_the_audit_log_shows_it(
        server: Server, browser: Any, screenshots: Path) -> None:
    member = await new_page(browser, PHONE, [])
    email = await sign_up(member, server.url, "Max Member")
    admin = await new_page(browser, DESKTOP, [])
    await log_in(admin, server.url, "admin@demo.openchance", DEMO_PASSWORD)
    await admin.get_by_role("link", name="Moderate").click()
    await admin.get_by_role("link", name="Roles").click()
    await admin.get_by_label("Account email").fill(email)
    await admin.get_by_role("button", name="Find").click()
    account = admin.get_by_role("region", name="Account")
    await expect(account).to_contain_text("Max Member is member")
    await account.get_by_label("New role").select_option("moderator")
    await account.get_by_role("button", name="Change role").click()
    await confirm(admin, "Confirm")
    await expect(account).to_contain_text("Max Member is moderator")

    await admin.get_by_role("link", name="audit log").click()
    log = admin.get_by_role("table", name="Audit log")
    await expect(log.get_by_role("row").nth(1)).to_contain_text("user.role")
    await expect(log.get_by_role("row").nth(1)).to_contain_text("role: moderator")
    await shot(admin, screenshots, "audit-log")
