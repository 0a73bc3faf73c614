"""Who is acting, and how their platform spells its commands (for hints in replies)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.deps import Deps
from domain.models.users import Platform, User
from domain.services import accounts

# verb -> how the platform writes it, with ``{id}`` where a challenge id goes, e.g.
# {"list": "/challenges", "submit": "/submit {id} N NOTE"} on Telegram. Verbs a hint needs:
# help, link, post, list, my, submit, release, mymatches, alerts.
Commands = Mapping[str, str]


@dataclass(frozen=True)
class Caller:
    deps: Deps
    user: User
    platform: Platform
    external_id: str  # the person's id on the platform
    commands: Commands

    def command(self, verb: str, challenge_id: str = "ID") -> str:
        return self.commands.get(verb, verb).replace("{id}", challenge_id)


async def identify(deps: Deps, platform: Platform, external_id: str, display_name: str,
                   username: str | None, commands: Commands) -> Caller:
    """The OpenChance user behind a platform account (a first contact creates one)."""
    user = await accounts.platform_user(deps, platform, external_id, display_name, username)
    return Caller(deps, user, platform, external_id, commands)
