"""How the core's answers look on Discord: Markdown text, an embed per challenge card, and
persistent buttons (``buttons.CoreButton``) that keep working after a restart."""

from __future__ import annotations

from typing import Any

import discord
from discord.utils import escape_markdown

from bots.core.results import Card, Reply, Rows, Tone
from bots.core.rich import Rich, Style

# Discord caps a message at 2000 characters and an embed description at 4096.
CONTENT_LIMIT, DESCRIPTION_LIMIT = 2000, 4096
STYLES = {Tone.PRIMARY: discord.ButtonStyle.primary, Tone.DANGER: discord.ButtonStyle.danger,
          Tone.NORMAL: discord.ButtonStyle.secondary}
COLOUR = discord.Colour.from_rgb(88, 101, 242)


def markdown(text: Rich) -> str:
    out = []
    for span in text:
        said = escape_markdown(span.text)
        if span.style == Style.BOLD:
            out.append(f"**{said}**")
        elif span.style == Style.ITALIC:
            out.append(f"*{said}*")
        elif span.style == Style.CODE:
            out.append("`" + span.text.replace("`", "'") + "`")  # ids; a backtick ends it
        elif span.style == Style.LINK and span.url:
            out.append(f"[{said}](<{span.url}>)")
        else:
            out.append(said)
    return "".join(out)[:CONTENT_LIMIT]


def embed(card: Card) -> discord.Embed:
    if card.removed:
        return discord.Embed(description=card.title, colour=discord.Colour.dark_grey())
    shown = discord.Embed(title=card.title[:256], colour=COLOUR,
                          description=escape_markdown(card.description)[:DESCRIPTION_LIMIT])
    shown.add_field(name="Status", value=card.status or "—")
    shown.add_field(name="Reward", value=card.facts[0] if card.facts else "—")
    shown.add_field(name="Category", value=" · ".join(card.facts[1:]) or "—")
    if card.milestones:
        shown.add_field(name="Milestones", value="\n".join(card.milestones)[:1024], inline=False)
    if card.tags:
        shown.add_field(name="Tags", value=" ".join(f"#{t}" for t in card.tags)[:1024],
                        inline=False)
    if card.deadline:
        shown.add_field(name="Deadline", value=card.deadline)
    shown.set_footer(text=f"{card.footer} · ID {card.challenge_id}")
    return shown


def view(rows: Rows) -> discord.ui.View | None:
    """Persistent buttons (no timeout; their custom_id is the core's packed action)."""
    from bots.discord.buttons import CoreButton

    if not rows:
        return None
    built = discord.ui.View(timeout=None)
    for row_number, row in enumerate(rows[:5]):
        for button in row[:5]:
            if button.action is not None:
                built.add_item(CoreButton.of(button, row_number))
            elif button.url:
                built.add_item(discord.ui.Button(label=button.label[:80], url=button.url,
                                                 row=row_number))
    return built


def message(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for send / edit: content, embeds, view (None: no buttons)."""
    rows = reply.buttons + (reply.card.buttons if reply.card is not None else ())
    return {"content": markdown(reply.body) or None,
            "embeds": [embed(reply.card)] if reply.card is not None else [],
            "view": view(rows)}
