"""Installs of a chat app into a workspace through the platform's OAuth flow (Slack: one per
workspace, and one per installing person), kept as the platform's SDK wrote them, and the
one-time ``state`` values that tie an OAuth redirect to the install page that started it."""

from __future__ import annotations

from typing import Any

from beanie import Document
from pydantic import Field
from pymongo import IndexModel

from domain.models.common import UtcDatetime, new_id, utcnow
from domain.models.users import Platform


class PlatformInstallation(Document):
    id: str = Field(default_factory=new_id)
    platform: Platform
    enterprise_id: str = ""
    team_id: str = ""
    # "" is the workspace's latest install (the bot token it acts with); else who installed.
    user_id: str = ""
    data: dict[str, Any] = Field(default_factory=dict)
    installed_at: UtcDatetime = Field(default_factory=utcnow)

    class Settings:
        name = "platform_installations"
        indexes = [IndexModel([("platform", 1), ("enterprise_id", 1), ("team_id", 1),
                               ("user_id", 1)], unique=True)]


class OAuthState(Document):
    id: str  # the state value itself (random, single use)
    platform: Platform
    expires_at: UtcDatetime

    class Settings:
        name = "oauth_states"
