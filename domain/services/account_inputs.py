"""Input shapes of the account services (security, data, roles, preferences)."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from domain.models.users import Role
from domain.services.inputs import Email, StrictInput

Password = Annotated[str, StringConstraints(strict=True, min_length=1, max_length=256)]
Token = Annotated[str, StringConstraints(strict=True, strip_whitespace=True, min_length=20,
                                         max_length=200)]
# A six-digit TOTP code or a recovery code such as ``k7qm-2xrt``.
Code = Annotated[str, StringConstraints(strict=True, strip_whitespace=True, min_length=6,
                                        max_length=20)]


class TokenInput(StrictInput):
    token: Token


class ForgotInput(StrictInput):
    email: Email


class ResetInput(StrictInput):
    token: Token
    password: Password


class ChangePasswordInput(StrictInput):
    current_password: Password
    password: Password


class ChangeEmailInput(StrictInput):
    email: Email
    password: Password


class CodeInput(StrictInput):
    code: Code


class PasswordConfirmInput(StrictInput):
    password: Password


class RoleInput(StrictInput):
    role: Role
