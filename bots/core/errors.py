"""One place that turns a refusal into a helpful answer: domain errors keep their own words,
with a hint; an unreadable command repeats how it is written. Plain text: platforms escape it
for their markup."""

from __future__ import annotations

from dataclasses import dataclass

from bots.core.caller import Commands
from bots.core.grammar import UsageError
from domain.errors import (
    Conflict,
    DomainError,
    Forbidden,
    GatewayFailed,
    NotFound,
    Unauthorized,
    ValidationFailed,
)

EXPLAINED = (DomainError, UsageError)


@dataclass(frozen=True)
class Explanation:
    text: str
    # Whether the usage line of the command that was tried helps (a misread argument does;
    # "not allowed" does not).
    with_usage: bool


def explain(exc: BaseException, commands: Commands) -> Explanation:
    if isinstance(exc, UsageError):
        return Explanation(f"⚠️ {exc.problem}", True)
    if not isinstance(exc, DomainError):
        raise TypeError(f"not a refusal: {exc!r}") from exc
    said = exc.message
    if isinstance(exc, NotFound):
        return Explanation(f"🔎 {said}. Check the ID: {commands.get('list', 'list')} lists open "
                           f"challenges, {commands.get('my', 'my')} lists yours.", False)
    if isinstance(exc, Forbidden | Unauthorized):
        return Explanation(f"⛔ {said}.", False)
    if isinstance(exc, ValidationFailed):
        return Explanation(f"⚠️ {said}", True)
    if isinstance(exc, Conflict):
        return Explanation(f"⏳ {said}.", False)
    if isinstance(exc, GatewayFailed):
        return Explanation(f"💳 {said}. Nothing was charged or paid; try again later.", False)
    return Explanation(f"⚠️ {said}", False)
