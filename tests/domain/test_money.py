"""domain/money.py: ISO 4217 minor units, formatting and parsing; the web client's copy."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.money import (
    EXPORT_PATH,
    MINOR_UNITS,
    SETTLED,
    UnknownCurrency,
    export_json,
    format_money,
    major_text,
    minor_units,
    parse_money,
)


def test_minor_units_follow_iso_4217() -> None:
    assert minor_units("JPY") == 0
    assert minor_units("usd") == 2
    assert minor_units("kwd") == 3
    assert minor_units("clf") == 4
    with pytest.raises(UnknownCurrency):
        minor_units("xyz")
    assert SETTLED <= MINOR_UNITS.keys()


@pytest.mark.parametrize(("amount", "currency", "text"), [
    (15000, "usd", "150.00 USD"), (7, "eur", "0.07 EUR"), (1200, "jpy", "1200 JPY"),
    (1234, "kwd", "1.234 KWD"), (-250, "gbp", "-2.50 GBP"), (0, "usd", "0.00 USD")])
def test_format(amount: int, currency: str, text: str) -> None:
    assert format_money(amount, currency) == text


@pytest.mark.parametrize(("text", "currency", "minor"), [
    ("150", "usd", 15000), ("150.5", "usd", 15050), ("150,50", "eur", 15050),
    ("19.99", "usd", 1999), (" 1200 ", "jpy", 1200), ("1.234", "kwd", 1234), ("3.", "usd", 300)])
def test_parse(text: str, currency: str, minor: int) -> None:
    assert parse_money(text, currency) == minor


@pytest.mark.parametrize(("text", "currency"), [
    ("", "usd"), ("abc", "usd"), ("-5", "usd"), ("1.234", "usd"), ("1e3", "usd"),
    ("12.5.1", "usd"), ("12.5", "jpy"), ("nan", "usd"), ("inf", "usd"), ("150", "xyz")])
def test_parse_refuses_what_is_not_a_price(text: str, currency: str) -> None:
    assert parse_money(text, currency) is None


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(sorted(MINOR_UNITS)))
def test_round_trip(amount: int, currency: str) -> None:
    assert parse_money(major_text(amount, currency), currency) == amount


def test_web_client_table_is_the_domain_table() -> None:
    # The web build reads this file; regenerate with `python -m domain.money --write`.
    assert EXPORT_PATH.read_text(encoding="utf-8") == export_json()
