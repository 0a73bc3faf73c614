"""Recommended solvers for a challenge, for its owner and moderators: who fits, how well
and why. The domain ranks them and decides who may see them, as for
``GET /challenges/{id}/matches``."""

from __future__ import annotations

from bots.core.caller import Caller
from bots.core.grammar import UsageError
from bots.core.results import Reply
from bots.core.rich import Rich, bold, code, italic, lines, rich
from domain.services import challenges, matching
from domain.services.matching import SolverMatch

# Ten entries of three lines stay under every platform's message cap (Discord: 2000).
SHOWN = 10
REASONS_SHOWN = 160


def solver_line(rank: int, match: SolverMatch) -> Rich:
    who = rich(f"{rank}. ", bold(match.user.display_name),
               f" — {round(match.score * 100)}% fit")
    why = "; ".join(match.reasons)[:REASONS_SHOWN]
    return rich(who, "\n   ", italic(why) if why else "no strong signal yet", "\n   ID ",
                code(match.user.id))


async def solvers(caller: Caller, challenge_id: str) -> Reply:
    if not challenge_id:
        raise UsageError("matches", "The challenge ID is missing.")
    found = await matching.matches_for_challenge(caller.deps, caller.user.id, challenge_id,
                                                 SHOWN)
    challenge = await challenges.get_challenge(challenge_id, caller.user)
    if not found:
        return Reply(rich("No recommended solvers for ", bold(challenge.title), " yet: no "
                          "member's skills, bio or past work says enough to match on."))
    return Reply(lines(rich(bold("Recommended solvers for "), bold(challenge.title)),
                       *(solver_line(i, m) for i, m in enumerate(found, start=1))))
