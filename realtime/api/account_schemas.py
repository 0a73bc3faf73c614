"""Response shapes (and a query) of the account security, data and admin routes."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from domain.services.inputs import StrictInput, Text
from domain.views import AuditEntryOut, Out, SessionOut, UserPrivate


class AcceptedOut(Out):
    accepted: bool = Field(description="always true: the answer never says whether an "
                                       "account exists")
    local_outbox_url: str | None = Field(
        default=None, description="set when this server keeps its mails in a local outbox "
                                  "(no SMTP_URL): where to read them")


class UserOut(Out):
    user: UserPrivate


class SessionList(Out):
    items: list[SessionOut]


class RevokedOut(Out):
    revoked: int = Field(description="how many sessions were signed out")


class TwoFactorSetupOut(Out):
    secret: str = Field(description="base32 TOTP secret, for typing into an authenticator")
    otpauth_url: str = Field(description="the same as an otpauth:// URL (for a QR code)")


class RecoveryCodesOut(Out):
    recovery_codes: list[str] = Field(description="shown once; each works once instead of "
                                                  "a code")


class PreferencesOut(Out):
    """{kind: {channel: bool}} for every kind and channel (web, email, telegram, discord,
    slack)."""

    model_config = {"extra": "allow"}


class UnsubscribedOut(Out):
    kinds: list[str] = Field(description="the kinds no longer mailed")


class AuditPage(Out):
    items: list[AuditEntryOut]
    next_cursor: str | None


class AuditQuery(StrictInput):
    cursor: Text(500) | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class UserLookupQuery(StrictInput):
    email: Text(254)
