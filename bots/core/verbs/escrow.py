"""Money steps. Asking (fund, release, refund) reads the amounts from the domain and returns
a ``Confirm``; only the confirmed action moves money, and the domain decides whether the
person pressing may (so a confirmation pressed by someone else, or after the state moved on,
is refused and changes nothing). Submitting a milestone moves no money and is not asked."""

from __future__ import annotations

from urllib.parse import urlparse

from bots.core.actions import Action
from bots.core.caller import Caller
from bots.core.presenters import escrow_summary, money, release_choices
from bots.core.results import Button, Confirm, Reply, Tone
from bots.core.rich import bold, link, rich
from domain.services import challenges, escrow, escrow_settlement
from domain.services.escrow_core import milestone_index

SIMULATED_PATH = "/simulated-checkout/"


async def ask_fund(caller: Caller, challenge_id: str) -> Confirm:
    challenge = await challenges.get_challenge(challenge_id, caller.user)
    amount = money(challenge.reward.amount, challenge.reward.currency)
    return Confirm(rich("Fund ", bold(challenge.title), f": you pay {amount} into escrow. It "
                        "is held by the platform and paid to the solver only when you "
                        "release milestones."),
                   f"Fund {amount}", Action("fund", challenge.id, confirmed=True))


async def fund(caller: Caller, challenge_id: str) -> Reply:
    held, checkout_url = await escrow.start_funding(caller.deps, caller.user.id, challenge_id)
    label = f"Pay {money(held.amount, held.currency)}"
    simulated = " (simulated payment)" if SIMULATED_PATH in checkout_url else ""
    return Reply(rich(f"💳 {label}{simulated}: ", link(checkout_url, checkout_url),
                      "\nYou will get a message here once the payment is confirmed."),
                 ((Button(label, url=checkout_url, tone=Tone.PRIMARY),),), replaces=True)


async def ask_release(caller: Caller, challenge_id: str, n: int | None) -> Reply | Confirm:
    """Without ``n``: the milestones that can be paid, each a button to its confirmation."""
    held = await escrow.get_escrow(caller.user.id, challenge_id)
    if n is None:
        return Reply(rich(escrow_summary(held), "\n\nWhich milestone do you release?"),
                     release_choices(held))
    # An unknown number is refused in the domain's words, the same on every interface.
    milestone = held.milestones[milestone_index(held, n)]
    amount = money(milestone.amount, held.currency)
    return Confirm(rich(f"Release milestone {n} “{milestone.title}”: {amount} goes to the "
                        "solver. This cannot be undone."),
                   f"Release {amount}", Action("release", held.challenge_id, n, True))


async def release(caller: Caller, challenge_id: str, n: int) -> Reply:
    held = await escrow.release_milestone(caller.deps, caller.user.id, challenge_id, n)
    return Reply(rich(f"💸 Milestone {n} released.\n\n", escrow_summary(held)),
                 replaces=True, notice="Released")


async def ask_refund(caller: Caller, challenge_id: str) -> Confirm:
    held = await escrow.get_escrow(caller.user.id, challenge_id)
    amount = money(held.held, held.currency)
    return Confirm(rich(escrow_summary(held), f"\n\nRefund: the {amount} still held goes "
                        "back to the challenger and the challenge closes."),
                   f"Refund {amount}", Action("refund", held.challenge_id, confirmed=True))


async def refund(caller: Caller, challenge_id: str) -> Reply:
    held = await escrow_settlement.refund(caller.deps, caller.user.id, challenge_id,
                                          f"refund requested from {caller.platform.title()}")
    return Reply(rich("↩️ Refunded.\n\n", escrow_summary(held)), replaces=True,
                 notice="Refunded")


async def submit(caller: Caller, challenge_id: str, n: int | str, note: str) -> Reply:
    milestone = await escrow.submit_milestone(caller.deps, caller.user.id, challenge_id, n,
                                              {"note": note})
    return Reply(rich(f"📤 Milestone {milestone.n} “{milestone.title}” submitted. The "
                      "challenger has been told."))


def cancelled() -> Reply:
    return Reply(rich("Cancelled — nothing was changed."), replaces=True, notice="Cancelled")


def is_local(url: str) -> bool:
    """Some platforms refuse link buttons to local addresses (the simulated checkout on a
    laptop); the link in the text still works there."""
    return (urlparse(url).hostname or "") in {"127.0.0.1", "localhost", "::1", "0.0.0.0"}
