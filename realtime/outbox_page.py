"""The local outbox at /outbox: the mails this server would have sent, shown instead of sent
because no SMTP_URL is set. Only there when the mailer keeps mails locally (embedded mode),
and marked as such on every page: it shows reset links, so it is for trying on one's own
machine, never for a public server."""

from __future__ import annotations

import html
import logging
import re

from aiohttp import web

from domain.models.mail import OutboxMail
from realtime.keys import DEPS, SETTINGS

log = logging.getLogger(__name__)

_STYLE = ("body{font-family:system-ui,sans-serif;max-width:52rem;margin:1rem auto;padding:0 1rem}"
          ".local{background:#fff3cd;border:2px solid #b58100;padding:.6rem 1rem;"
          "border-radius:6px}table{border-collapse:collapse;width:100%}td,th{text-align:left;"
          "padding:.35rem;border-bottom:1px solid #ddd}pre{white-space:pre-wrap;"
          "background:#f6f6f6;padding:1rem;border-radius:6px}iframe{width:100%;height:24rem;"
          "border:1px solid #ccc}")
_BANNER = ("<p class='local' role='note'><strong>Local outbox — nothing here was sent.</strong>"
           " This server has no SMTP_URL, so it keeps its mails here for you to read and click. "
           "Set SMTP_URL to send real mail.</p>")
_URL = re.compile(r"https?://[^\s<>\"']+")


def _page(title: str, body: str, status: int = 200) -> web.Response:
    text = (f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)} · local outbox</title><style>{_STYLE}</style></head>"
            f"<body><h1>{html.escape(title)}</h1>{_BANNER}{body}</body></html>")
    return web.Response(text=text, status=status, content_type="text/html",
                        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})


def _linked(text: str) -> str:
    """Plain text with its links clickable (everything else escaped)."""
    out, last = [], 0
    for found in _URL.finditer(text):
        out.append(html.escape(text[last:found.start()]))
        url = html.escape(found.group(0))
        out.append(f"<a href='{url}'>{url}</a>")
        last = found.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


async def outbox_list(request: web.Request) -> web.Response:
    mails = await OutboxMail.find({}).sort("-created_at").limit(200).to_list()
    if not mails:
        return _page("Outbox", "<p>No mail yet.</p>")
    rows = "".join(
        f"<tr><td>{html.escape(m.created_at.strftime('%Y-%m-%d %H:%M:%S'))}</td>"
        f"<td>{html.escape(m.to)}</td><td><a href='/outbox/{html.escape(m.id)}'>"
        f"{html.escape(m.subject)}</a></td></tr>" for m in mails)
    return _page("Outbox", "<table aria-label='Mails'><thead><tr><th>When (UTC)</th><th>To</th>"
                           f"<th>Subject</th></tr></thead><tbody>{rows}</tbody></table>")


async def outbox_mail(request: web.Request) -> web.Response:
    mail = await OutboxMail.get(request.match_info["id"][:64])
    if mail is None:
        return _page("Not found", "<p>No such mail. <a href='/outbox'>Outbox</a></p>", 404)
    headers = "".join(f"<li><code>{html.escape(k)}: {html.escape(v)}</code></li>"
                      for k, v in mail.headers.items())
    body = (f"<p><a href='/outbox'>← Outbox</a></p><p>To: {html.escape(mail.to)}<br>"
            f"Subject: {html.escape(mail.subject)}</p>"
            f"{f'<ul>{headers}</ul>' if headers else ''}"
            f"<h2>Text</h2><pre class='mail-text'>{_linked(mail.text)}</pre><h2>HTML</h2>"
            f"<iframe title='The HTML part' sandbox='allow-popups "
            f"allow-top-navigation-by-user-activation' srcdoc='{html.escape(mail.html)}'>"
            f"</iframe>")
    return _page(mail.subject, body)


def outbox_is_shown(app: web.Application) -> bool:
    """Only when this process keeps its mails locally and runs on the embedded store (someone
    trying the product). A deployment with a real MongoDB but no SMTP_URL keeps its mails
    unsent and unshown: publishing reset links would hand out accounts."""
    mailer = app[DEPS].mailer
    return mailer is not None and mailer.kept_locally and not app[SETTINGS].mongodb_url


def setup_outbox_page(app: web.Application) -> None:
    mailer = app[DEPS].mailer
    if mailer is None or not mailer.kept_locally:
        return
    if not outbox_is_shown(app):
        log.warning("SMTP_URL is unset: mails (verification, password reset, digests) are kept "
                    "in the outbox_mails collection and NOT sent")
        return
    app.router.add_get("/outbox", outbox_list)
    app.router.add_get("/outbox/{id}", outbox_mail)
