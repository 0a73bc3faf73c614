"""How the core's answers look on Slack: mrkdwn text, Block Kit sections for challenge cards,
and actions blocks whose buttons carry the core's packed action in their ``value`` (read back
on a press, after any restart). Only ``&``, ``<`` and ``>`` have escapes in mrkdwn; they are
escaped in everything people typed, so nobody's title can mention @channel or fake a link."""

from __future__ import annotations

from typing import Any

from bots.core.results import Card, Reply, Rows, Tone
from bots.core.rich import Rich, Style, plain

# Slack's limits: a section's text 3000 characters, a header 150, a button's text 75, the
# fallback text 40000, 50 blocks in a message.
SECTION_LIMIT, HEADER_LIMIT, BUTTON_LIMIT, BLOCK_LIMIT = 3000, 150, 75, 50
ACTION_PREFIX, LINK_PREFIX = "oc-", "oc-link-"
STYLES = {Tone.PRIMARY: "primary", Tone.DANGER: "danger"}
Blocks = list[dict[str, Any]]


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: Rich) -> str:
    out = []
    for span in text:
        said = escape(span.text)
        if not said.strip():
            out.append(said)
        elif span.style == Style.BOLD:
            out.append(f"*{said.strip()}*")
        elif span.style == Style.ITALIC:
            out.append(f"_{said.strip()}_")
        elif span.style == Style.CODE:
            out.append("`" + said.replace("`", "'") + "`")  # ids; a backtick would end it
        elif span.style == Style.LINK and span.url:
            out.append(f"<{escape(span.url)}|{said.replace('|', '/')}>")
        else:
            out.append(said)
    return "".join(out)


def section(text: str) -> Blocks:
    """One or more sections: long texts are cut at line ends into Slack's 3000 characters."""
    blocks, chunk = [], ""
    for line in text.split("\n"):
        while len(line) > SECTION_LIMIT:
            blocks.append(line[:SECTION_LIMIT])
            line = line[SECTION_LIMIT:]
        if len(chunk) + len(line) + 1 > SECTION_LIMIT:
            blocks.append(chunk)
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk.strip():
        blocks.append(chunk)
    return [{"type": "section", "text": {"type": "mrkdwn", "text": b}} for b in blocks]


def button_elements(rows: Rows, first: int = 0) -> Blocks:
    """Each row of buttons is one actions block. Action ids must differ within a message:
    ``first`` numbers on from buttons already in it."""
    blocks, n = [], first
    for row in rows:
        elements = []
        for button in row[:25]:
            element: dict[str, Any] = {"type": "button", "text": {
                "type": "plain_text", "text": button.label[:BUTTON_LIMIT], "emoji": True}}
            if button.action is not None:
                element.update(action_id=f"{ACTION_PREFIX}{n}", value=button.action.pack())
            elif button.url:
                element.update(action_id=f"{LINK_PREFIX}{n}", url=button.url)
            else:
                continue
            if button.tone in STYLES:
                element["style"] = STYLES[button.tone]
            elements.append(element)
            n += 1
        if elements:
            blocks.append({"type": "actions", "elements": elements})
    return blocks


def card_blocks(card: Card, first_button: int = 0) -> Blocks:
    if card.removed:
        return section(escape(card.title))
    blocks: Blocks = [{"type": "header", "text": {"type": "plain_text", "emoji": True,
                                                  "text": card.title[:HEADER_LIMIT]}}]
    facts = [f"*Status*\n{escape(card.status or '—')}",
             f"*Reward*\n{escape(card.facts[0] if card.facts else '—')}",
             f"*Category*\n{escape(' · '.join(card.facts[1:]) or '—')}"]
    if card.deadline:
        facts.append(f"*Deadline*\n{escape(card.deadline)}")
    blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": f}
                                                 for f in facts]})
    if card.description:
        blocks += section(escape(card.description))
    if card.milestones:
        blocks += section("*Milestones*\n" + escape("\n".join(card.milestones)))
    context = [card.footer, f"ID {card.challenge_id}"]
    if card.tags:
        context.insert(0, " ".join(f"#{t}" for t in card.tags))
    blocks.append({"type": "context", "elements": [
        {"type": "mrkdwn", "text": escape(" · ".join(c for c in context if c))}]})
    return blocks + button_elements(card.buttons, first_button)


def card_text(card: Card) -> str:
    """The notification text of a card (what a phone's banner shows)."""
    if card.removed:
        return card.title
    return f"{card.title} — {' · '.join((card.status, *card.facts[:1]))}"


def message(reply: Reply) -> dict[str, Any]:
    """Keyword arguments for chat.postMessage / chat.update / a response_url: ``text`` (the
    fallback Slack shows in notifications) and ``blocks``."""
    body = mrkdwn(reply.body)
    blocks = section(body) if body else []
    if reply.card is not None:
        blocks += card_blocks(reply.card, first_button=sum(len(r) for r in reply.buttons))
    blocks += button_elements(reply.buttons)
    fallback = plain(reply.body) or (card_text(reply.card) if reply.card else "")
    return {"text": fallback[:3000] or "OpenChance", "blocks": blocks[:BLOCK_LIMIT]}


def card_message(card: Card) -> dict[str, Any]:
    return {"text": card_text(card)[:3000], "blocks": card_blocks(card)[:BLOCK_LIMIT]}
