"""How the core's answers look in Telegram: HTML parse mode, inline keyboards. Nothing here
decides what is said; it only renders ``bots.core`` results."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bots.core.results import Card, Reply, Rows
from bots.core.rich import Rich, Style
from bots.core.verbs.escrow import is_local

_TAGS = {Style.BOLD: "b", Style.ITALIC: "i", Style.CODE: "code"}


def html(text: Rich) -> str:
    out = []
    for span in text:
        said = escape(span.text, quote=False)
        if span.style == Style.LINK and span.url:
            out.append(f'<a href="{escape(span.url)}">{said}</a>')
        elif span.style in _TAGS:
            out.append(f"<{_TAGS[span.style]}>{said}</{_TAGS[span.style]}>")
        else:
            out.append(said)
    return "".join(out)


def card_html(card: Card) -> str:
    if card.removed:
        return escape(card.title, quote=False)
    lines = [f"<b>{escape(card.title)}</b>",
             " · ".join(escape(part) for part in (card.status, *card.facts)),
             "", escape(card.description)]
    if card.tags:
        lines += ["", " ".join(f"#{escape(t)}" for t in card.tags)]
    if card.milestones:
        lines += ["", "<b>Milestones</b>", *(escape(m) for m in card.milestones)]
    if card.deadline:
        lines.append(f"\nDeadline: {escape(card.deadline)}")
    lines.append(f"\n{escape(card.footer)} · ID <code>{card.challenge_id}</code>")
    return "\n".join(lines)


def keyboard(rows: Rows, deep_link: str | None = None) -> InlineKeyboardMarkup | None:
    """``deep_link``: in a group, the Apply button opens the private chat with the bot
    (where the proposal is asked) instead of acting in the group."""
    built: list[list[InlineKeyboardButton]] = []
    for row in rows:
        buttons = []
        for button in row:
            if button.action is not None and button.action.verb == "apply" and deep_link:
                buttons.append(InlineKeyboardButton(text="Apply in private chat", url=deep_link))
            elif button.action is not None:
                buttons.append(InlineKeyboardButton(text=button.label,
                                                    callback_data=button.action.pack()))
            elif button.url and not is_local(button.url):
                # Telegram refuses link buttons to local addresses; the text has the link.
                buttons.append(InlineKeyboardButton(text=button.label, url=button.url))
        if buttons:
            built.append(buttons)
    return InlineKeyboardMarkup(inline_keyboard=built) if built else None


def text_of(reply: Reply) -> str:
    parts = [html(reply.body)] if reply.body else []
    if reply.card is not None:
        parts.append(card_html(reply.card))
    return "\n\n".join(parts)


def markup_of(reply: Reply, deep_link: str | None = None) -> InlineKeyboardMarkup | None:
    rows = reply.buttons + (reply.card.buttons if reply.card is not None else ())
    return keyboard(rows, deep_link if reply.card is not None else None)

