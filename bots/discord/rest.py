"""Where discord.py sends REST calls. DISCORD_API_URL points them elsewhere (a proxy, a local
stand-in in tests).

discord.py has no constructor option for its API base; every request (interaction callbacks
and webhook follow-ups included) is built from the class attribute ``discord.http.Route.BASE``.
It has no underscore but is not in the documented API, so it is touched only here; the
version is pinned in pyproject.toml and tests/bots/discord checks the real client's requests
arrive where this says."""

from __future__ import annotations

from discord.http import Route

DISCORD_API_BASE = "https://discord.com/api/v10"


def point_rest_at(api_url: str | None) -> str:
    """Send every REST call of this process to ``api_url`` (a base like
    ``http://127.0.0.1:8123/api/v10``); None keeps Discord's. Returns the base in use."""
    Route.BASE = (api_url or DISCORD_API_BASE).rstrip("/")
    return Route.BASE
