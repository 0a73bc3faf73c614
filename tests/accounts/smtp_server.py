"""A real SMTP server for the tests (aiosmtpd on a free port of this event loop) that keeps
what it receives, parsed, for the test to read."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class Received:
    envelope_to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"the mail has no text/{subtype} part"
        return str(body.get_content())

    @property
    def text(self) -> str:
        return self.part("plain")

    @property
    def html(self) -> str:
        return self.part("html")

    def link(self, path: str) -> str:
        """The first link in the plain text whose path is ``path`` (e.g. /reset-password)."""
        found = re.search(r"https?://[^\s]+" + re.escape(path) + r"[^\s]*", self.text)
        assert found, f"no {path} link in:\n{self.text}"
        return found.group(0)

    def token(self, path: str) -> str:
        found = re.search(r"[?&]token=([^&\s]+)", self.link(path))
        assert found
        return found.group(1)


@dataclass
class Mailbox:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(list(envelope.rcpt_tos), message))
        self._arrived.set()
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [m for m in self.received if address in m.envelope_to]

    async def wait_for(self, address: str, count: int = 1, timeout: float = 5) -> Received:
        """The ``count``-th mail to ``address`` (waiting for it to arrive)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.to(address)) < count:
            self._arrived.clear()
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"no mail #{count} to {address}; got "
                                     f"{[(m.envelope_to, m.subject) for m in self.received]}")
            try:
                await asyncio.wait_for(self._arrived.wait(), left)
            except TimeoutError:
                pass
        return self.to(address)[count - 1]


async def start_smtp(mailbox: Mailbox) -> tuple[asyncio.Server, int]:
    loop = asyncio.get_running_loop()

    def protocol() -> Any:
        return SMTP(mailbox, hostname="smtp.test", loop=loop)

    server = await loop.create_server(protocol, "127.0.0.1", 0)
    return server, int(server.sockets[0].getsockname()[1])
