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


class ShownToUsers(Exception):
    """A gateway refusal whose text is ours (e.g. "the solver has not finished payout
    onboarding yet"), safe to pass on to people as it is."""


class GatewayFailed(DomainError):
    """The payment gateway refused or failed; nothing was recorded as moved.

    Raised as ``GatewayFailed("what we tried: <what the provider said>") from exc``. What a
    provider says can name accounts, requests or internals: it stays in the log (``str(exc)``,
    ``details["provider_error"]``), and ``message``, which every surface shows, keeps only our
    own words (and a cause's that is ``ShownToUsers``)."""

    code = "payment_failed"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message, **details)
        self.details["provider_error"] = message

    @property
    def message(self) -> str:
        ours = self._raw.split(": ", 1)[0]
        if isinstance(self.__cause__, ShownToUsers):
            return f"{ours}: {self.__cause__}"
        return f"{ours}; nothing was charged or paid out. Try again in a moment"

    @message.setter
    def message(self, value: str) -> None:
        self._raw = value


class MailFailed(DomainError):
    """The mail server refused or could not be reached; the mail was not sent."""

    code = "mail_failed"


class Unavailable(DomainError):
    """A dependency is down or saturated; the same request may succeed shortly."""

    code = "unavailable"
