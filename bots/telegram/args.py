"""Reading command arguments. Only the shape is read here; what the values may be is the
domain's to decide (so a bad number is passed on for the domain to refuse in its own words)."""

from __future__ import annotations

import re

from aiogram.filters import CommandObject

from bots.telegram.texts import UsageError

_INTEGER = re.compile(r"^[+-]?\d{1,9}$")


def words(command: CommandObject, name: str, at_least: int, what: str) -> list[str]:
    parts = (command.args or "").split()
    if len(parts) < at_least:
        raise UsageError(name, f"{what} is missing.")
    return parts


def number_or_text(token: str) -> int | str:
    """An integer when it reads as one; otherwise the raw text, which the domain refuses."""
    return int(token) if _INTEGER.match(token) else token


def rest_after(command: CommandObject, count: int) -> str:
    """The free text after the first ``count`` words of the arguments."""
    parts = (command.args or "").split(maxsplit=count)
    return parts[count] if len(parts) > count else ""
