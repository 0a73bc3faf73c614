"""Settings read from the environment, with the names of CONTRACT.md. Unset means embedded."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    mongodb_url: str | None = None
    mongodb_database: str = "openchance"
    redis_url: str | None = None
    # Prefix of the durable log's keys, so two deployments (or test runs) can share a Redis.
    redis_prefix: str = "openchance"
    typesense_url: str | None = None
    typesense_api_key: str | None = None
    stripe_secret_key: str | None = None
    stripe_webhook_secret: str | None = None
    stripe_api_base: str | None = None
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    telegram_bot_token: str | None = None
    telegram_webhook_secret: str | None = None
    telegram_api_url: str | None = None
    discord_bot_token: str | None = None
    discord_api_url: str | None = None
    discord_application_id: str | None = None
    discord_public_key: str | None = None
    # Commands sync to this server only (instantly; for development) instead of globally.
    discord_guild_id: str | None = None
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str | None = None
    # Multi-workspace: the OAuth install flow (installations kept in MongoDB).
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    # Socket Mode (`openchance bot slack`): the app-level token (xapp-...).
    slack_app_token: str | None = None
    openchance_public_url: str | None = None
    # Unset: mails are kept in the store and shown at /outbox (embedded).
    smtp_url: str | None = None
    require_moderator_2fa: bool = False
    # Embedded store only: where its data lives (unset: in memory, lost on exit), and when the
    # journal reaches the disk (domain/adapters/memory_journal.py explains the policies).
    openchance_data_dir: str | None = None
    openchance_fsync: Literal["always", "interval", "never"] = "interval"

    # "cheapest" only for test runs: it makes hashing free, and verifying any hash still works.
    password_hash_profile: Literal["default", "cheapest"] = "default"
    platform_fee_bps: int = Field(default=0, ge=0, le=5000)
    auto_refund_days: int = Field(default=14, ge=1)

    @property
    def embedded_parts(self) -> list[str]:
        """Names of the services that run in-process because no URL or key was given."""
        parts = []
        if not self.mongodb_url:
            parts.append("MongoDB (in-memory emulation" + (
                f", kept in {self.openchance_data_dir})" if self.openchance_data_dir else ")"))
        if not self.redis_url:
            parts.append("Socket.IO fan-out, presence and rate limits (in-process)")
        if not self.stripe_secret_key:
            parts.append("payments (offline gateway, simulated)")
        if not self.smtp_url:
            parts.append("email (kept in the local outbox at /outbox, not sent)")
        return parts
