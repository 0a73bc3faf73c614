"""Listing and searching open challenges, showing one, and a person's own overview."""

from __future__ import annotations

from bots.core.actions import Action
from bots.core.caller import Caller
from bots.core.presenters import application_line, card, summary
from bots.core.results import Button, Reply
from bots.core.rich import Rich, bold, lines, rich
from domain.services import challenges, overview

PAGE = 10
# Messages are capped (Telegram 4096 characters, Discord 2000): ten of each stays under it.
SHOWN = 10


async def list_open(caller: Caller, query: str = "") -> Reply:
    """With words, the search index ranks them (typo tolerant, prefix aware), as for
    ``GET /challenges?q=``; the viewer decides what may be listed, as there."""
    query = query.strip()
    items, more = await challenges.list_challenges(
        {"q": query, "limit": PAGE} if query else {"limit": PAGE}, caller.user,
        deps=caller.deps)
    if not items:
        return Reply(rich("No open challenges match. Try other words, or "
                          f"{caller.command('post')} one."))
    heading = f"Open challenges matching “{query}”" if query else "Open challenges"
    entries = [rich(f"{i}. ", summary(c)) for i, c in enumerate(items, start=1)]
    tail = f"\nShowing the newest {PAGE}; add words to narrow it down." if more else ""
    buttons = [Button(str(i), Action("view", c.id)) for i, c in enumerate(items, start=1)]
    rows = (tuple(buttons[:5]), tuple(buttons[5:])) if buttons[5:] else (tuple(buttons),)
    return Reply(lines(bold(heading), *entries, tail), rows)


async def show(caller: Caller, challenge_id: str, *, in_community: bool = False) -> Reply:
    challenge = await challenges.get_challenge(challenge_id, caller.user)
    return Reply(card=card(challenge, in_community=in_community))


async def my(caller: Caller) -> Reply:
    mine = await overview.my_overview(caller.user.id)
    sections: list[Rich] = []
    if mine.owned:
        sections.append(lines(bold("You posted"), *(summary(c) for c in mine.owned[:SHOWN])))
    if mine.solving:
        sections.append(lines(bold("You solve"), *(summary(c) for c in mine.solving[:SHOWN])))
    if mine.applications:
        sections.append(lines(bold("Your applications"), *(
            application_line(a, mine.titles.get(a.challenge_id))
            for a in mine.applications[:SHOWN])))
    if not sections:
        return Reply(rich(f"Nothing yet. {caller.command('list')} lists open challenges; "
                          f"{caller.command('post')} adds one."))
    return Reply(lines(*sections, separator="\n\n"))
