"""The whole deal in a real browser, two people at once: a challenger (desktop) and a solver
(phone-sized). Post -> apply -> accept -> fund (simulated checkout) -> chat live with typing
indicators -> reload mid-chat loses nothing -> HTML in a message stays text -> submit -> release
-> review. Screenshots of the main pages go to test-artifacts/screenshots/."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from playwright.async_api import Page, expect

from tests.web.conftest import Server
from tests.web.ui import DESKTOP, PHONE, confirm, messages, new_page, send, shot, sign_up

XSS = "<img src=x onerror=alert(1)>"


async def post_challenge(page: Page, title: str) -> str:
    await page.get_by_role("link", name="Post", exact=True).click()
    await expect(page.get_by_role("heading", name="Post a challenge")).to_be_visible()
    await page.get_by_label("Title").fill(title)
    await page.get_by_label("Description").fill("Make the nightly import finish in minutes.\n"
                                                "Line two stays a line.")
    await page.get_by_label("Category").fill("engineering")
    await page.get_by_label("Tags").fill("python, e2e")
    await page.get_by_label("Reward", exact=True).fill("120.50")
    await page.get_by_role("button", name="Post challenge").click()
    await expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    await expect(page.locator(".meta .money").first).to_have_text("$120.50")
    return page.url


async def apply_as_solver(page: Page, base: str, word: str, title: str) -> None:
    await page.goto(f"{base}/challenges")
    await page.get_by_label("Search").fill(word)
    # On a phone the filters fold behind a button; the reward sort needs a currency.
    await page.get_by_role("button", name="Filters").click()
    await page.get_by_label("Currency").select_option("usd")
    await page.get_by_label("Sort by").select_option("reward")
    await page.get_by_role("button", name="Search").click()
    await expect(page).to_have_url(re.compile(rf"q={word}"))
    await expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()
    results = page.get_by_role("list", name="Results")
    await expect(results.get_by_role("listitem").filter(has=page.get_by_role("heading"))
                 ).to_have_count(1)
    await page.get_by_role("link", name=title).click()
    await page.get_by_label("Your proposal").fill("Streaming parser plus batched inserts.")
    await page.get_by_role("button", name="Send application").click()
    await expect(page.get_by_role("heading", name="Your application")).to_be_visible()


async def accept_from_dashboard(page: Page, folder: Path) -> None:
    await page.get_by_role("link", name="Dashboard").click()
    card = page.locator("li.application").filter(has_text="Streaming parser")
    await expect(card).to_be_visible()
    await shot(page, folder, "dashboard")
    await card.get_by_role("button", name="Accept").click()
    await confirm(page, "Accept")
    await expect(card).to_be_hidden()          # no longer pending


async def fund_through_checkout(page: Page, folder: Path) -> None:
    """One next step at a time: Fund -> the checkout page (this tab) -> back, funded."""
    challenge_url = page.url.split("?")[0]
    funding = page.get_by_role("button", name=re.compile(r"^(Fund escrow|Continue to checkout)"))
    await expect(funding).to_have_count(1)
    await page.get_by_role("button", name="Fund escrow").click()
    await confirm(page, "Go to checkout")
    await expect(page.get_by_role("heading", name="Checkout (simulated)")).to_be_visible()
    # Back without paying: the one step left is to continue to the same checkout.
    await page.go_back()
    await expect(funding).to_have_count(1)
    await expect(funding).to_have_text(re.compile(r"^Continue to checkout"))
    await funding.click()
    await expect(page.get_by_role("heading", name="Checkout (simulated)")).to_be_visible()
    await shot(page, folder, "checkout-simulated")
    await page.get_by_role("button", name="Pay (simulated)").click()
    await expect(page.get_by_role("heading", name=re.compile("Paid"))).to_be_visible()
    # Where the provider sends the payer back (the gateway's success URL).
    await page.goto(f"{challenge_url}?payment=done")
    await expect(page.get_by_role("status").filter(has_text="Payment sent")).to_be_visible()
    await expect(page.locator(".escrow p .badge").first).to_have_text("funded")
    await expect(funding).to_have_count(0)


async def chat_live(challenger: Page, solver: Page, folder: Path) -> None:
    await challenger.get_by_role("button", name="Open chat").click()
    await expect(challenger).to_have_url(re.compile(r"/chat/"))
    await solver.get_by_role("button", name="Open chat").click()
    await expect(solver).to_have_url(challenger.url)
    for page in (challenger, solver):
        await expect(page.locator(".conversation[data-ready=true]")).to_be_visible()

    await challenger.get_by_label("Message", exact=True).fill("Hello, welcome aboard")
    await expect(solver.locator(".typing")).to_contain_text("Cleo Challenger is typing")
    await challenger.get_by_label("Message", exact=True).press("Enter")
    await expect(messages(solver)).to_have_text(["Hello, welcome aboard"])
    await expect(solver.locator(".typing")).not_to_contain_text("typing")

    await solver.get_by_label("Message", exact=True).fill("Thanks! Starting now")
    await expect(challenger.locator(".typing")).to_contain_text("Sol Solver is typing")
    await solver.get_by_label("Message", exact=True).press("Enter")
    await expect(messages(challenger)).to_have_text(["Hello, welcome aboard",
                                                     "Thanks! Starting now"])


async def reload_loses_nothing(challenger: Page, solver: Page) -> list[str]:
    """The solver reloads while the challenger keeps writing: every message is there after."""
    sent = [f"while you reload {n}" for n in range(1, 4)]
    await solver.reload(wait_until="commit")
    for text in sent:
        await send(challenger, text)
    await solver.wait_for_load_state()
    expected = ["Hello, welcome aboard", "Thanks! Starting now", *sent]
    await expect(messages(solver)).to_have_text(expected)
    await expect(messages(challenger)).to_have_text(expected)
    # And the live path still works after the reload.
    await send(solver, "back")
    expected.append("back")
    await expect(messages(challenger)).to_have_text(expected)
    return expected


async def html_stays_text(challenger: Page, solver: Page, expected: list[str]) -> None:
    await send(challenger, XSS)
    expected.append(XSS)
    await expect(messages(solver)).to_have_text(expected)
    assert await solver.locator(".messages img").count() == 0
    assert await challenger.locator(".messages img").count() == 0


async def submit_and_release(challenger: Page, solver: Page, challenge_url: str,
                             folder: Path) -> None:
    await solver.goto(challenge_url)
    await challenger.goto(challenge_url)
    await solver.get_by_role("button", name="Submit milestone 1").click()
    await confirm(solver, "Submit", "Importer rewritten; 4.1 s on the 1M-row fixture.")
    milestone = challenger.locator(".milestones li").first
    await expect(milestone.locator(".badge")).to_have_text("submitted")   # live
    await expect(milestone).to_contain_text("4.1 s on the 1M-row fixture")
    await challenger.get_by_role("button", name="Release milestone 1").click()
    await confirm(challenger, "Release")
    await expect(challenger.locator(".escrow p .badge").first).to_have_text("released")
    await expect(challenger.locator(".ledger tbody tr")).to_have_count(2)   # fund, release
    await expect(challenger.locator(".meta .badge").first).to_have_text("completed")
    await expect(solver.locator(".meta .badge").first).to_have_text("completed")  # live
    await shot(challenger, folder, "challenge-escrow-released")
    await shot(solver, folder, "challenge-phone-solver")


async def review_each_other(challenger: Page, solver: Page, folder: Path) -> None:
    for page, rating, text in ((challenger, "5", "Fast and careful."),
                               (solver, "4", "Clear brief, paid promptly.")):
        await page.get_by_label("Rating").select_option(rating)
        await page.get_by_label("Your review").fill(text)
        await page.get_by_role("button", name="Post review").click()
        await expect(page.get_by_text("Your review was posted.")).to_be_visible()
    await solver.locator(".meta a[href^='/users/']").first.click()        # the challenger
    await expect(solver.get_by_role("heading", level=1, name="Cleo Challenger")).to_be_visible()
    await expect(solver.get_by_text("from 1 review")).to_be_visible()
    await expect(solver.get_by_text("Clear brief, paid promptly.")).to_be_visible()
    await shot(solver, folder, "profile-phone")


async def test_challenger_and_solver_do_the_whole_deal(server: Server, browser: Any,
                                                       screenshots: Path) -> None:
    dialogs: list[str] = []
    challenger = await new_page(browser, DESKTOP, dialogs)
    solver = await new_page(browser, PHONE, dialogs)
    word = f"zx{uuid.uuid4().hex[:6]}"
    title = f"Speed up the importer {word}"
    try:
        await sign_up(challenger, server.url, "Cleo Challenger")
        await sign_up(solver, server.url, "Sol Solver")
        challenge_url = await post_challenge(challenger, title)
        await shot(challenger, screenshots, "challenge-detail")
        await apply_as_solver(solver, server.url, word, title)
        await accept_from_dashboard(challenger, screenshots)
        await challenger.goto(challenge_url)
        await expect(challenger.locator(".meta .badge").first).to_have_text("in progress")
        await expect(solver.locator(".meta .badge").first).to_have_text("in progress")  # live
        await fund_through_checkout(challenger, screenshots)
        await chat_live(challenger, solver, screenshots)
        expected = await reload_loses_nothing(challenger, solver)
        await html_stays_text(challenger, solver, expected)
        await shot(challenger, screenshots, "chat-desktop")
        await shot(solver, screenshots, "chat-phone")
        await submit_and_release(challenger, solver, challenge_url, screenshots)
        await review_each_other(challenger, solver, screenshots)
    except Exception:
        await shot(challenger, screenshots, "failure-challenger")
        await shot(solver, screenshots, "failure-solver")
        print(server.output())
        raise
    assert dialogs == [], f"a script opened a dialog: {dialogs}"
