"""Mail through a real SMTP server (aiosmtplib), configured by one URL:

    smtp://[user:password@]host[:port][?from=noreply@example.org]   plain, STARTTLS if offered
    smtps://...                                                     TLS from the first byte
    smtp://...?starttls=require                                     refuse to send without TLS
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from domain.errors import MailFailed
from domain.ports import Email

DEFAULT_SENDER = "OpenChance <noreply@openchance.local>"


@dataclass(frozen=True)
class SmtpTarget:
    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool
    start_tls: bool | None  # None: upgrade when the server offers it
    sender: str


def parse_smtp_url(url: str) -> SmtpTarget:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("SMTP_URL must look like smtp://user:password@host:587 or smtps://...")
    query = parse_qs(parts.query)
    implicit_tls = parts.scheme == "smtps"
    starttls = query.get("starttls", [""])[0]
    return SmtpTarget(
        hostname=parts.hostname,
        port=parts.port or (465 if implicit_tls else 587),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=implicit_tls,
        start_tls=True if starttls == "require" else False if starttls == "never" else None,
        sender=query.get("from", [DEFAULT_SENDER])[0],
    )


def to_message(email: Email, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="openchance.local")
    for name, value in email.headers:
        message[name] = value
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


class SmtpMailer:
    kept_locally = False

    def __init__(self, url: str, timeout: float = 15.0) -> None:
        self.target = parse_smtp_url(url)
        self.timeout = timeout

    async def send(self, email: Email) -> None:
        target = self.target
        try:
            await aiosmtplib.send(
                to_message(email, target.sender), hostname=target.hostname, port=target.port,
                username=target.username, password=target.password, use_tls=target.use_tls,
                start_tls=target.start_tls, timeout=self.timeout)
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise MailFailed(f"the mail server did not take the mail: {exc}") from exc
