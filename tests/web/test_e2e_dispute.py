"""A dispute in a real browser: funded work, the solver disputes, a moderator splits the held
money; the challenger's escrow panel and ledger follow live."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from playwright.async_api import expect

from domain.demo import DEMO_PASSWORD
from tests.web.conftest import Server
from tests.web.test_e2e_flow import fund_through_checkout, post_challenge
from tests.web.ui import DESKTOP, PHONE, confirm, log_in, new_page, shot, sign_up


async def test_dispute_resolved_by_a_moderator(server: Server, browser: Any,
                                               screenshots: Path) -> None:
    dialogs: list[str] = []
    owner = await new_page(browser, DESKTOP, dialogs)
    solver = await new_page(browser, PHONE, dialogs)
    await sign_up(owner, server.url, "Dana Disputer")
    await sign_up(solver, server.url, "Sam Split")
    url = await post_challenge(owner, f"Disputed work {uuid.uuid4().hex[:6]}")
    await solver.goto(url)
    await solver.get_by_label("Your proposal").fill("I will do it.")
    await solver.get_by_role("button", name="Send application").click()

    # Accepting straight from the challenge page's applications panel.
    application = owner.locator("li.application").filter(has_text="I will do it.")
    await application.get_by_role("button", name="Accept").click()
    await confirm(owner, "Accept")
    await expect(owner.locator(".meta .badge").first).to_have_text("in progress")
    await fund_through_checkout(owner, screenshots)

    await solver.reload()
    await solver.get_by_role("button", name="Open a dispute").click()
    await confirm(solver, "Open dispute", "The brief changed after I started.")
    await expect(owner.locator(".escrow p .badge").first).to_have_text("disputed")   # live
    await expect(owner.locator(".escrow")).to_contain_text("The brief changed after I started.")
    # Money is frozen: no release or refund is offered while disputed.
    await expect(owner.get_by_role("button", name="Release milestone 1")).to_have_count(0)

    mod = await new_page(browser, DESKTOP, dialogs)
    await log_in(mod, server.url, "mod@demo.openchance", DEMO_PASSWORD)
    await mod.goto(f"{server.url}/mod")
    resolve = mod.locator("section.panel").filter(has_text="Resolve an escrow dispute")
    await resolve.get_by_label("Challenge id").fill(url.rsplit("/", 1)[1])
    await resolve.get_by_label("Release to solver").fill("5000")
    await resolve.get_by_label("Refund to challenger").fill("7050")
    await resolve.get_by_role("button", name="Resolve dispute").click()
    await confirm(mod, "Resolve")
    await expect(mod.locator(".toast").filter(has_text="Dispute resolved")).to_be_visible()

    ledger = owner.locator(".ledger tbody tr")
    await expect(ledger).to_have_count(3)                                            # live
    await expect(ledger.nth(1)).to_contain_text("$50.00")
    await expect(ledger.nth(2)).to_contain_text("$70.50")
    await expect(owner.locator(".escrow")).to_contain_text("held $0.00")
    await shot(owner, screenshots, "escrow-dispute-resolved")
    assert dialogs == []
