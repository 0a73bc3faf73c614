"""Platform-neutral rich text: a tuple of styled spans. The core never writes HTML or
Markdown; each platform renders spans in its own markup and escapes what people typed, so a
title with ``<b>`` or ``**`` in it shows as typed everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Style(StrEnum):
    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"
    CODE = "code"  # ids people copy
    LINK = "link"


@dataclass(frozen=True)
class Span:
    text: str
    style: Style = Style.PLAIN
    url: str | None = None


Rich = tuple[Span, ...]
Part = str | Span | Rich


def rich(*parts: Part) -> Rich:
    """Spans from strings (plain), spans and other rich texts, in order."""
    spans: list[Span] = []
    for part in parts:
        if isinstance(part, str):
            if part:
                spans.append(Span(part))
        elif isinstance(part, Span):
            spans.append(part)
        else:
            spans.extend(part)
    return tuple(spans)


def bold(text: str) -> Span:
    return Span(text, Style.BOLD)


def italic(text: str) -> Span:
    return Span(text, Style.ITALIC)


def code(text: str) -> Span:
    return Span(text, Style.CODE)


def link(text: str, url: str) -> Span:
    return Span(text, Style.LINK, url)


def lines(*parts: Part, separator: str = "\n") -> Rich:
    """The parts, one per line (empty parts are skipped)."""
    out: list[Part] = []
    for part in parts:
        if not rich(part):
            continue
        if out:
            out.append(separator)
        out.append(part)
    return rich(*out)


def plain(text: Rich) -> str:
    """The words alone (for toasts and alerts, which carry no markup)."""
    return "".join(span.text for span in text)
