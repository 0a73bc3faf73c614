"""Money as every surface shows and reads it: ISO 4217 minor units, formatting, parsing.

Amounts are integers of a currency's minor unit (cents for USD, yen for JPY, fils for KWD). How
many decimals a currency has is ISO 4217's "minor unit" column, kept here once; the bots, the
checkout page and (through ``web/src/lib/currencies.json``, written by ``python -m domain.money``)
the web client all read this table, so no surface guesses "two decimals".

Stripe's amounts are in the same minor units for every currency we settle in (``SETTLED``).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# ISO 4217 currencies whose minor unit is not 2 decimals; every other active code has 2.
_EXPONENT_EXCEPTIONS: dict[str, int] = {
    **dict.fromkeys(("bif", "clp", "djf", "gnf", "isk", "jpy", "kmf", "krw", "pyg", "rwf",
                     "ugx", "uyi", "vnd", "vuv", "xaf", "xof", "xpf"), 0),
    **dict.fromkeys(("bhd", "iqd", "jod", "kwd", "lyd", "omr", "tnd"), 3),
    **dict.fromkeys(("clf", "uyw"), 4),
}
_TWO_DECIMALS = (
    "aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bmd bnd bob bov brl bsd btn bwp "
    "byn bzd cad cdf che chf chw cny cop cou crc cup cve czk dkk dop dzd egp ern etb eur fjd "
    "fkp gbp gel ghs gip gmd gtq gyd hkd hnl htg huf idr ils inr irr jmd kes kgs khr kpw kyd "
    "kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mru mur mvr mwk mxn mxv myr mzn nad "
    "ngn nio nok npr nzd pab pen pgk php pkr pln qar ron rsd rub sar sbd scr sdg sek sgd shp "
    "sle sos srd ssp stn svc syp szl thb tjs tmt top try ttd twd tzs uah usd usn uyu uzs ved "
    "ves wst xcd yer zar zmw zwg").split()
MINOR_UNITS: dict[str, int] = {**dict.fromkeys(_TWO_DECIMALS, 2), **_EXPONENT_EXCEPTIONS}

# The currencies a challenge may be priced in (a subset of the table; add one when a market
# needs it and the payment provider settles it).
SETTLED: frozenset[str] = frozenset({
    "usd", "eur", "gbp", "chf", "cad", "aud", "jpy", "sek", "nok", "dkk", "pln", "czk", "nzd",
    "sgd", "inr", "brl", "mxn"})

_TYPED = re.compile(r"^\s*(\d{1,15})(?:[.,](\d*))?\s*$")
EXPORT_PATH = Path(__file__).resolve().parent.parent / "web" / "src" / "lib" / "currencies.json"


class UnknownCurrency(ValueError):
    pass


def minor_units(currency: str) -> int:
    """Decimals of ``currency``'s minor unit (JPY 0, USD 2, KWD 3)."""
    try:
        return MINOR_UNITS[currency.lower()]
    except KeyError:
        raise UnknownCurrency(f"unknown currency {currency!r}") from None


def major_text(amount: int, currency: str) -> str:
    """1250 USD -> '12.50', 500 JPY -> '500', 1234 KWD -> '1.234' (no symbol, no grouping)."""
    digits = minor_units(currency)
    sign = "-" if amount < 0 else ""
    scale: int = 10 ** digits
    whole, part = divmod(abs(amount), scale)
    return f"{sign}{whole}.{part:0{digits}d}" if digits else f"{sign}{whole}"


def format_money(amount: int, currency: str) -> str:
    """What a person reads: '12.50 USD', '500 JPY'."""
    return f"{major_text(amount, currency)} {currency.upper()}"


def parse_money(text: str, currency: str) -> int | None:
    """A person's '150', '150.5' or '150,50' (major units) -> minor units; None when it is no
    plain non-negative number, has more decimals than the currency has, or the currency is no
    ISO 4217 code. Ranges are the domain's to check."""
    digits = MINOR_UNITS.get(currency.lower())
    found = _TYPED.match(text)
    if found is None or digits is None:
        return None
    fraction = found[2] or ""
    if len(fraction) > digits:
        return None
    minor: int = int(found[1]) * 10 ** digits + int(fraction.ljust(digits, "0") or 0)
    return minor


def exported_table() -> dict[str, object]:
    """The table the web client builds with: minor units of every code, and what is settled."""
    return {"minor_units": dict(sorted(MINOR_UNITS.items())), "settled": sorted(SETTLED)}


def export_json() -> str:
    return json.dumps(exported_table(), indent=1, sort_keys=True) + "\n"


if __name__ == "__main__":  # python -m domain.money [--write]: the web client's table
    if sys.argv[1:] == ["--write"]:
        EXPORT_PATH.write_text(export_json(), encoding="utf-8")
    else:
        sys.stdout.write(export_json())
