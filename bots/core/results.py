"""What a verb returns: platform-neutral answers that each platform renders its own way
(HTML and inline keyboards on Telegram, embeds and buttons on Discord, Block Kit on Slack)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from bots.core.actions import CANCEL, Action
from bots.core.rich import Rich


class Tone(StrEnum):
    """How a button looks where the platform has styles (Discord, Slack)."""

    NORMAL = "normal"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Button:
    label: str
    action: Action | None = None
    url: str | None = None  # a link button instead of an action
    tone: Tone = Tone.NORMAL


Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Card:
    """A challenge as it is shown on its own (and announced in communities)."""

    challenge_id: str
    title: str
    status: str  # "🟢 open"
    facts: tuple[str, ...]  # reward, category, difficulty
    description: str
    tags: tuple[str, ...] = ()
    milestones: tuple[str, ...] = ()  # "1. Design — 100.00 USD"
    deadline: str | None = None
    footer: str = ""  # "2 application(s)"
    buttons: Rows = ()
    # Shown in a community (group, channel): its buttons send people to a private place.
    in_community: bool = False
    removed: bool = False


@dataclass(frozen=True)
class Reply:
    body: Rich = ()
    buttons: Rows = ()
    card: Card | None = None  # shown under (or instead of) the body
    # After a button press: this answer takes the place of the message the button was on.
    replaces: bool = False
    # After a button press: a short toast (plain text); platforms without toasts drop it.
    notice: str | None = None


@dataclass(frozen=True)
class Confirm:
    """A step that moves money, asked before it happens: ``text`` says what will happen,
    the button labelled ``label`` does ``action`` (with ``confirmed`` set), Cancel does not."""

    text: Rich
    label: str
    action: Action

    def as_reply(self) -> Reply:
        """The usual rendering: the text and two buttons. (Slack may prefer its own confirm
        dialog; it has the parts.)"""
        return Reply(self.text, ((Button(f"✅ {self.label}", self.action, tone=Tone.PRIMARY),
                                  Button("Cancel", Action(CANCEL))),))


Result = Reply | Confirm


def as_replies(results: Result | Sequence[Result]) -> list[Reply]:
    items = [results] if isinstance(results, Reply | Confirm) else list(results)
    return [r.as_reply() if isinstance(r, Confirm) else r for r in items]


@dataclass(frozen=True)
class Place:
    """Where a command was given: a private chat, or a community (group, channel, guild
    channel, Slack channel) with its title and, where the platform has one, its server."""

    external_id: str
    title: str
    private: bool
    server_id: str | None = None
