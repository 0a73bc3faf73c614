"""Web API clients. SLACK_API_URL points them elsewhere (a proxy, a local stand-in in tests):
slack_sdk takes the base as a constructor option, so nothing private is touched."""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from openchance.settings import Settings

SLACK_API_BASE = "https://slack.com/api/"


def api_base(settings: Settings) -> str:
    return (settings.slack_api_url or SLACK_API_BASE).rstrip("/") + "/"


def web_client(settings: Settings, token: str | None = None) -> AsyncWebClient:
    """A client that retries a dropped connection and waits out a rate limit (Slack's 429
    says how long), twice at most, before the caller sees the error."""
    return AsyncWebClient(token=token, base_url=api_base(settings), retry_handlers=[
        AsyncConnectionErrorRetryHandler(), AsyncRateLimitErrorRetryHandler(max_retry_count=2)])
