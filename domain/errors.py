"""Typed domain errors; every interface maps them to its own transport's errors."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ValidationFailed(DomainError):
    code = "validation_error"


class Unauthorized(DomainError):
    code = "unauthorized"


class TwoFactorRequired(Unauthorized):
    """The password was right; the account also wants its one-time code (``otp``)."""

    code = "two_factor_required"


class TooManyAttempts(DomainError):
    """Too many wrong codes in a row; answered 429 until ``retry_after`` seconds pass."""

    code = "rate_limited"


class Forbidden(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class GatewayFailed(DomainError):
    """The payment gateway refused or failed; nothing was recorded as moved.

    What the provider said can name accounts, requests or internals: it is kept for the log
    (``str(exc)``, ``details["provider_error"]``) and every surface shows ``message``, which
    says only what a person needs."""

    code = "payment_failed"
    PUBLIC_MESSAGE = ("the payment provider could not complete this; nothing was charged or "
                      "paid out. Try again in a moment")

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message, **details)
        self.details["provider_error"] = message
        self.message = self.PUBLIC_MESSAGE


class MailFailed(DomainError):
    """The mail server refused or could not be reached; the mail was not sent."""

    code = "mail_failed"


class Unavailable(DomainError):
    """A dependency is down or saturated; the same request may succeed shortly."""

    code = "unavailable"
