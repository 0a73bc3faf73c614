"""The embedded mailer: every mail is kept in the store and shown at /outbox, so someone
trying the product without a mail server can still click the links it sends."""

from __future__ import annotations

from domain.models.mail import OutboxMail
from domain.ports import Email


class OutboxMailer:
    kept_locally = True

    async def send(self, email: Email) -> None:
        await OutboxMail(to=email.to, subject=email.subject, text=email.text, html=email.html,
                         headers=dict(email.headers)).insert()
