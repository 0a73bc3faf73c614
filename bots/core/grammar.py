"""The shared argument grammar: how the words after a verb are read on every platform
("ID N NOTE", "ID RATING TEXT", "150 USD", "title: amount" lines). Only the shape is read
here; what the values may be is the domain's to decide, so a bad number is passed on for the
domain to refuse in its own words."""

from __future__ import annotations

import re
from typing import Any

from domain.money import parse_money

_INTEGER = re.compile(r"^[+-]?\d{1,9}$")
_REWARD = re.compile(r"^\s*(?:([\d.,]+)\s*([A-Za-z]{3})|([A-Za-z]{3})\s*([\d.,]+))\s*$")
_MILESTONE = re.compile(r"^\s*(.+?)\s*[:=\u2013\u2014-]\s*([\d.,]+)\s*$")
SKIP = frozenset({"skip", "-", "none", "no", ""})


class UsageError(Exception):
    """The words could not be read; nothing was asked of the domain. ``verb`` names the
    command whose usage line helps."""

    def __init__(self, verb: str, problem: str) -> None:
        super().__init__(problem)
        self.verb = verb
        self.problem = problem


def words(text: str | None, verb: str, at_least: int, what: str) -> list[str]:
    parts = (text or "").split()
    if len(parts) < at_least:
        raise UsageError(verb, f"{what} is missing.")
    return parts


def rest_after(text: str | None, count: int) -> str:
    """The free text after the first ``count`` words."""
    parts = (text or "").split(maxsplit=count)
    return parts[count] if len(parts) > count else ""


def number_or_text(token: str) -> int | str:
    """An integer when it reads as one; otherwise the raw text, which the domain refuses."""
    return int(token) if _INTEGER.match(token) else token


def milestone_number(token: str, verb: str) -> int:
    n = number_or_text(token)
    if not isinstance(n, int):
        raise UsageError(verb, f"“{token}” is not a milestone number.")
    return n


def submission(text: str | None) -> tuple[str, int | str, str]:
    """``ID N NOTE`` -> (challenge id, milestone number or the raw word, note)."""
    challenge_id, n = words(text, "submit", 2, "The challenge ID or milestone number")[:2]
    note = rest_after(text, 2)
    if not note:
        raise UsageError("submit", "Add a note: what you hand in and where to find it.")
    return challenge_id, number_or_text(n), note


def review(text: str | None) -> tuple[str, int | str, str]:
    """``ID RATING TEXT`` -> (challenge id, rating or the raw word, text)."""
    challenge_id, rating = words(text, "review", 2, "The challenge ID or the rating")[:2]
    return challenge_id, number_or_text(rating), rest_after(text, 2)


def release(text: str | None) -> tuple[str, int | None]:
    """``ID [N]`` -> (challenge id, milestone number or None to choose one)."""
    parts = words(text, "release", 1, "The challenge ID")
    return parts[0], milestone_number(parts[1], "release") if len(parts) > 1 else None


def reward(text: str) -> dict[str, Any]:
    """'150 USD', 'usd 150', '99.50 eur' -> {amount (minor units), currency}."""
    found = _REWARD.match(text)
    if not found:
        raise UsageError("post", "Write the reward as an amount and a currency, like 150 USD.")
    number, currency = (found[1], found[2]) if found[1] else (found[4], found[3])
    amount = parse_money(number, currency)
    if amount is None:
        raise UsageError("post", f"I could not read {number} as an amount of "
                                 f"{currency.upper()}.")
    return {"amount": amount, "currency": currency.lower()}


def tags(text: str) -> list[str]:
    if text.strip().lower() in SKIP:
        return []
    return [t.lstrip("#") for t in re.split(r"[\s,]+", text.strip()) if t.lstrip("#")]


def milestones(text: str, currency: str) -> list[dict[str, Any]] | None:
    """One 'title: amount' per line, or None (skip) to pay the whole reward at once."""
    if text.strip().lower() in SKIP:
        return None
    plans = []
    for line in text.splitlines():
        if not line.strip():
            continue
        found = _MILESTONE.match(line)
        amount = parse_money(found[2], currency) if found else None
        if not found or amount is None:
            raise UsageError("post", f"I could not read “{line.strip()}”; write it as "
                                     "title: amount.")
        plans.append({"title": found[1], "amount": amount})
    return plans


def challenge_form(*, title: str, description: str, category: str, tags_text: str,
                   reward_text: str, milestones_text: str = "") -> dict[str, Any]:
    """Every field of a post at once (a modal): the form ``challenges.post_challenge`` reads."""
    money = reward(reward_text)
    form: dict[str, Any] = {"title": title.strip(), "description": description.strip(),
                            "category": category.strip(), "tags": tags(tags_text),
                            "reward": money}
    plans = milestones(milestones_text, money["currency"])
    if plans:
        form["milestones"] = plans
    return form
