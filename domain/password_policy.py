"""What a new password must be: long enough, and not one that attackers try first.

The list of common passwords is zxcvbn's (about 30,000 leaked passwords, with its l33t,
reversed and capitalised variants); its estimate also refuses passwords guessable in a few
hundred tries (``aaaaaaaa``, the user's own email)."""

from __future__ import annotations

from collections.abc import Iterable

from zxcvbn import zxcvbn

from domain.errors import ValidationFailed

MIN_LENGTH = 8
MAX_LENGTH = 256
# zxcvbn's time grows with the length; past this many characters a password is long enough
# that only its first part needs judging.
_JUDGED_PREFIX = 64


def password_problem(password: str, user_inputs: Iterable[str] = ()) -> str | None:
    """Why ``password`` is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"use at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"use at most {MAX_LENGTH} characters"
    if len(password) >= _JUDGED_PREFIX:
        return None
    result = zxcvbn(password, user_inputs=[i for i in user_inputs if i])
    matches = result["sequence"]
    whole = len(matches) == 1 and matches[0].get("dictionary_name") == "passwords"
    if whole:
        return "this is one of the most common passwords; choose another"
    if result["score"] == 0:
        return "this password is too easy to guess; add words or characters"
    return None


def check_password(password: str, user_inputs: Iterable[str] = ()) -> None:
    """Raise ValidationFailed (on the field ``password``) when the policy refuses it."""
    problem = password_problem(password, user_inputs)
    if problem is not None:
        raise ValidationFailed(f"invalid input: password: {problem}",
                               fields={"password": problem})
