"""Renders a mail template in the reader's locale (falling back to English)."""

from __future__ import annotations

from html import escape
from string import Template

from domain.mail import catalog_de, catalog_en
from domain.ports import Email

CATALOGS: dict[str, dict[str, dict[str, str]]] = {
    "en": catalog_en.TEMPLATES,
    "de": catalog_de.TEMPLATES,
}
LOCALES = tuple(CATALOGS)

_FRAME = ("<!doctype html><html><body style=\"font-family:sans-serif;max-width:36em\">"
          "<p style=\"font-weight:bold;color:#2451a6\">OpenChance</p>$body</body></html>")


def template_for(name: str, locale: str) -> dict[str, str]:
    chosen = CATALOGS.get(locale, {}).get(name)
    return chosen if chosen is not None else CATALOGS["en"][name]


def render(name: str, locale: str, to: str, values: dict[str, object], *,
           html_values: dict[str, str] | None = None,
           headers: tuple[tuple[str, str], ...] = ()) -> Email:
    """``values`` are plain text (escaped in the HTML part); ``html_values`` are already HTML
    and replace the same names in the HTML part only."""
    parts = template_for(name, locale)
    text_values = {k: str(v) for k, v in values.items()}
    html = {k: escape(v) for k, v in text_values.items()} | (html_values or {})
    body = Template(parts["html"]).substitute(html)
    return Email(to=to, subject=Template(parts["subject"]).substitute(text_values),
                 text=Template(parts["text"]).substitute(text_values),
                 html=Template(_FRAME).substitute(body=body), headers=headers)
