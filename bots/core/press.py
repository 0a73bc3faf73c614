"""A button press, from any platform: the action it carried, done by the verb it names."""

from __future__ import annotations

from bots.core.actions import Action
from bots.core.caller import Caller
from bots.core.results import Result
from bots.core.verbs import applying, browse, escrow


async def press(caller: Caller, action: Action, *, in_community: bool = False) -> list[Result]:
    """Every answer to the press, in order. Presses that need words first (``needs_input``:
    apply, chat, reply) are the platform's to ask for; they are refused here."""
    verb, target = action.verb, action.target
    if action.needs_input:
        raise ValueError(f"{verb} needs the person's words first; the platform asks for them")
    if verb == "view":
        return [await browse.show(caller, target, in_community=in_community)]
    if verb == "apps":
        return list(await applying.applications_of(caller, target))
    if verb in ("accept", "reject"):
        return [await applying.decide(caller, target, accept=verb == "accept")]
    if verb == "fund":
        return [await (escrow.fund(caller, target) if action.confirmed
                       else escrow.ask_fund(caller, target))]
    if verb == "release":
        if action.confirmed:
            return [await escrow.release(caller, target, action.n)]
        return [await escrow.ask_release(caller, target, action.n or None)]
    if verb == "refund":
        return [await (escrow.refund(caller, target) if action.confirmed
                       else escrow.ask_refund(caller, target))]
    if verb == "cancel":
        return [escrow.cancelled()]
    raise ValueError(f"no verb {verb!r}")
