"""Applying to a challenge, the applications of a challenge, accepting or rejecting one, and
opening the conversation about an application."""

from __future__ import annotations

from bots.core.caller import Caller
from bots.core.presenters import application_line, decision_buttons
from bots.core.results import Reply
from bots.core.rich import bold, rich
from domain.models.challenges import Challenge
from domain.services import applications, challenges, conversations

APPLIED = "📨 Applied. The challenger has been told.\n"


async def apply_target(caller: Caller, challenge_id: str) -> Challenge:
    """The challenge about to be applied to (before asking for the proposal)."""
    return await challenges.get_challenge(challenge_id, caller.user)


def proposal_prompt(challenge: Challenge) -> Reply:
    return Reply(rich("Applying to ", bold(challenge.title), ". Send your proposal: how you "
                      "would solve it and by when."))


async def apply(caller: Caller, challenge_id: str, proposal: str) -> Reply:
    application = await applications.apply(caller.deps, caller.user.id, challenge_id,
                                           {"proposal": proposal})
    return Reply(rich(APPLIED, application_line(application)))


async def applications_of(caller: Caller, challenge_id: str) -> list[Reply]:
    found = await applications.list_applications(caller.user.id, challenge_id)
    if not found:
        return [Reply(rich("No applications yet."))]
    # Decision buttons only under other people's applications: one's own cannot be decided.
    return [Reply(application_line(a),
                  decision_buttons(a) if a.solver_id != caller.user.id else ())
            for a in found]


async def decide(caller: Caller, application_id: str, *, accept: bool) -> Reply:
    if accept:
        decided = await applications.accept(caller.deps, caller.user.id, application_id)
        follow_up = (f"\n\nNext: fund the escrow with "
                     f"{caller.command('fund', decided.challenge_id)} — the solver starts "
                     "once the money is held.")
    else:
        decided = await applications.reject(caller.deps, caller.user.id, application_id)
        follow_up = ""
    return Reply(rich(application_line(decided), follow_up), decision_buttons(decided),
                 replaces=True, notice=f"Application {decided.state}")


async def open_chat(caller: Caller, application_id: str) -> str:
    """The id of the conversation about an application (opened on first use)."""
    conversation = await conversations.open_conversation(
        caller.deps, caller.user.id, {"application_id": application_id})
    return conversation.id
