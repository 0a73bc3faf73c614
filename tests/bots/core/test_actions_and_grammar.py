"""The button codec and the argument grammar, with no platform and no storage."""

from __future__ import annotations

import pytest

from bots.core import grammar
from bots.core.actions import Action
from bots.core.grammar import UsageError

ID = "0123456789abcdef01234567"


@pytest.mark.parametrize(("action", "packed"), [
    (Action("view", ID), f"ch:view:{ID}"), (Action("apps", ID), f"ch:apps:{ID}"),
    (Action("apply", ID), f"ch:apply:{ID}"), (Action("accept", ID), f"ap:accept:{ID}"),
    (Action("reject", ID), f"ap:reject:{ID}"), (Action("chat", ID), f"ap:chat:{ID}"),
    (Action("fund", ID, confirmed=True), f"mo:fund:{ID}:0:1"),
    (Action("release", ID, 2), f"mo:release:{ID}:2:0"),
    (Action("release", ID, 2, True), f"mo:release:{ID}:2:1"),
    (Action("refund", ID, confirmed=True), f"mo:refund:{ID}:0:1"),
    (Action("reply", ID), f"cv:{ID}"), (Action("cancel"), "x"),
])
def test_actions_pack_to_the_format_buttons_in_chats_already_carry(action: Action,
                                                                   packed: str) -> None:
    assert action.pack() == packed
    assert Action.unpack(packed) == action
    assert len(packed.encode()) <= 64  # Telegram's callback_data; Discord allows 100


@pytest.mark.parametrize("foreign", ["", "post:confirm", "ch:drop:x", "mo:fund:x:one:1",
                                     "mo:fund:x:1:2", "ap:accept:", "cv:a:b", "xx"])
def test_other_strings_are_no_actions(foreign: str) -> None:
    assert Action.unpack(foreign) is None


def test_an_action_that_cannot_travel_is_refused() -> None:
    with pytest.raises(ValueError):
        Action("view", "a" * 80).pack()
    with pytest.raises(ValueError):
        Action("view", "a:b").pack()


def test_rewards_and_milestones() -> None:
    assert grammar.reward("150 USD") == {"amount": 15_000, "currency": "usd"}
    assert grammar.reward("eur 99,5") == {"amount": 9_950, "currency": "eur"}
    assert grammar.reward("500 jpy") == {"amount": 500, "currency": "jpy"}
    with pytest.raises(UsageError, match="amount and a currency"):
        grammar.reward("lots of money")
    with pytest.raises(UsageError, match=r"could not read 12\.345 as an amount of USD"):
        grammar.reward("12.345 usd")
    assert grammar.milestones("Design: 100\nCode — 200.50", "usd") == [
        {"title": "Design", "amount": 10_000}, {"title": "Code", "amount": 20_050}]
    assert grammar.milestones("skip", "usd") is None
    with pytest.raises(UsageError, match="could not read “just words”"):
        grammar.milestones("just words", "usd")
    assert grammar.tags("#rust, parsing  fast") == ["rust", "parsing", "fast"]
    assert grammar.tags("skip") == []


def test_verb_arguments() -> None:
    assert grammar.submission(f"{ID} 1 Design doc at https://x") == (ID, 1, "Design doc at https://x")
    assert grammar.submission(f"{ID} first the plan") == (ID, "first", "the plan")
    with pytest.raises(UsageError, match="Add a note"):
        grammar.submission(f"{ID} 1")
    assert grammar.review(f"{ID} 5 Fast and careful") == (ID, 5, "Fast and careful")
    assert grammar.review(f"{ID} five ok") == (ID, "five", "ok")
    with pytest.raises(UsageError, match="rating is missing"):
        grammar.review(ID)
    assert grammar.release(ID) == (ID, None)
    assert grammar.release(f"{ID} 2") == (ID, 2)
    with pytest.raises(UsageError, match="“two” is not a milestone number"):
        grammar.release(f"{ID} two")


def test_a_whole_form_at_once() -> None:
    form = grammar.challenge_form(title=" Port it ", description="Keep the API.",
                                  category="engineering", tags_text="rust parsing",
                                  reward_text="300 usd", milestones_text="A: 100\nB: 200")
    assert form == {"title": "Port it", "description": "Keep the API.",
                    "category": "engineering", "tags": ["rust", "parsing"],
                    "reward": {"amount": 30_000, "currency": "usd"},
                    "milestones": [{"title": "A", "amount": 10_000},
                                   {"title": "B", "amount": 20_000}]}
    assert "milestones" not in grammar.challenge_form(
        title="t", description="d", category="c", tags_text="", reward_text="5 eur")
