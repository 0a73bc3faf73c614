"""Sending the product's mails through the Mailer port, with links to the web client."""

from __future__ import annotations

import logging
from urllib.parse import quote

from domain.deps import Deps
from domain.errors import MailFailed
from domain.mail.templates import render
from domain.models.users import User
from domain.ports import Mailer

log = logging.getLogger(__name__)


def mailer_of(deps: Deps) -> Mailer:
    if deps.mailer is None:
        raise MailFailed("no mailer is configured in this process")
    return deps.mailer


def web_link(deps: Deps, path: str, **query: str) -> str:
    """An absolute link into the web client, e.g. ``/reset-password?token=...``."""
    params = "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
    return deps.public_url.rstrip("/") + path + (f"?{params}" if params else "")


async def send_to_user(deps: Deps, user: User, template: str, values: dict[str, object], *,
                       to: str | None = None, html_values: dict[str, str] | None = None,
                       headers: tuple[tuple[str, str], ...] = ()) -> None:
    address = to or user.email
    if not address:
        raise MailFailed("this account has no email address")
    email = render(template, user.locale, address,
                   {"name": user.display_name, **values}, html_values=html_values,
                   headers=headers)
    await mailer_of(deps).send(email)


async def try_send(deps: Deps, user: User, template: str, values: dict[str, object], *,
                   to: str | None = None) -> bool:
    """Send, but only log a failure: for mails whose action already happened (a notice)."""
    try:
        await send_to_user(deps, user, template, values, to=to)
    except MailFailed as exc:
        log.warning("could not mail %s to user %s: %s", template, user.id, exc)
        return False
    return True
