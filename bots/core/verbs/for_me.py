"""A solver's side of matching: the open challenges that suit me (``GET /me/matches``), and
the opt-in to be told when a new public challenge matches me well (``PUT /me/match-alerts``).
The domain ranks and stores; these verbs say it readably, and say why when nothing can match
(an empty profile has no embedding)."""

from __future__ import annotations

from bots.core.actions import Action
from bots.core.caller import Caller
from bots.core.grammar import UsageError
from bots.core.presenters import money
from bots.core.results import Button, Reply
from bots.core.rich import Rich, bold, code, italic, lines, rich
from domain.services import matching
from domain.services.matching import ChallengeMatch

# Ten entries of three lines stay under every platform's message cap (Discord: 2000).
SHOWN = 10
REASONS_SHOWN = 160
NO_PROFILE = ("Matching reads your bio, your skills and the challenges you solved, and yours "
              "say nothing yet. Add a bio and skills on the web (Profile)")


def read_switch(text: str | None) -> bool | None:
    """``on`` / ``off`` -> True / False; nothing -> None (show the current choice)."""
    word = (text or "").strip().lower()
    if not word:
        return None
    if word not in ("on", "off"):
        raise UsageError("alerts", f"Say on or off, not “{word[:40]}”.")
    return word == "on"


def challenge_line(rank: int, match: ChallengeMatch) -> Rich:
    found = match.challenge
    reward = money(found.reward.amount, found.reward.currency)
    why = "; ".join(match.reasons)[:REASONS_SHOWN]
    return rich(f"{rank}. ", bold(found.title), f" — {reward} · {round(match.score * 100)}% "
                "fit\n   ", italic(why) if why else "a loose fit so far", "\n   ",
                code(found.id))


async def matches(caller: Caller) -> Reply:
    """The open public challenges that suit the caller, best first, each with a view button."""
    found = await matching.matches_for_me(caller.deps, caller.user.id, SHOWN)
    if not found:
        if not await matching.has_match_profile(caller.user.id):
            return Reply(rich(NO_PROFILE, "; then ", code(caller.command("mymatches")),
                              " finds challenges for you."))
        return Reply(rich("No open challenges match you right now. Match alerts (",
                          code(caller.command("alerts")), ") tell you when one is posted; ",
                          code(caller.command("list")), " lists them all."))
    buttons = [Button(str(i), Action("view", m.challenge.id))
               for i, m in enumerate(found, start=1)]
    rows = (tuple(buttons[:5]), tuple(buttons[5:])) if buttons[5:] else (tuple(buttons),)
    return Reply(lines(bold("Open challenges that match you"),
                       *(challenge_line(i, m) for i, m in enumerate(found, start=1))), rows)


async def alerts(caller: Caller, on: bool | None = None) -> Reply:
    """Without ``on``: whether the caller is told of new matching challenges. With it: opt in
    or out. The alert is a notification, so it reaches the chats the person's settings allow."""
    if on is None:
        chosen = await matching.match_alerts_of(caller.user.id)
    else:
        chosen = await matching.set_match_alerts(caller.user.id, {"enabled": on})
    if not chosen.enabled:
        return Reply(rich(bold("Match alerts: off. "), "Turn them on (",
                          code(caller.command("alerts")), ") to be told when a new public "
                          "challenge matches you well."))
    told = rich(bold("Match alerts: on. "), "When a new public challenge matches you well "
                f"({round(chosen.min_score * 100)}% fit or more), I tell you. Turn them off with ",
                code(caller.command("alerts")), ".")
    if not await matching.has_match_profile(caller.user.id):
        return Reply(rich(told, "\n", NO_PROFILE, ", or no challenge can match you."))
    return Reply(told)
