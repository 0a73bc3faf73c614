"""Builders for escrow tests: a challenge with an accepted solver, funded through the gateway."""

from __future__ import annotations

from typing import Any

from domain.deps import Deps
from domain.models.escrow import Escrow
from domain.services import applications, challenges, escrow
from tests.conftest import Users, challenge_data


async def accepted_challenge(deps: Deps, users: Users, **overrides: Any):
    alice, bob = await users.make("alice"), await users.make("bob")
    challenge = await challenges.post_challenge(deps, alice.id, challenge_data(**overrides))
    application = await applications.apply(deps, bob.id, challenge.id, {"proposal": "mine"})
    await applications.accept(deps, alice.id, application.id)
    return alice, bob, challenge


async def fund(deps: Deps, owner_id: str, challenge_id: str) -> Escrow:
    """What the challenger and then the payment provider's confirmation do."""
    started, _url = await escrow.start_funding(deps, owner_id, challenge_id)
    return await escrow.confirm_funding(deps, started.id, amount=started.amount,
                                        currency=started.currency,
                                        reference=started.checkout_reference or "ref")
