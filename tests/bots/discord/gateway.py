"""Interactions arrive as gateway payloads: a test hands an INTERACTION_CREATE payload to the
same parser table discord.py's gateway websocket dispatches every event through
(``DiscordWebSocket.received_message`` calls ``client._connection.parsers[event]``). That
table is discord.py's one private detail the tests use, so it is touched only here (the
version is pinned in pyproject.toml)."""

from __future__ import annotations

from typing import Any

import discord


def receive_interaction(client: discord.Client, payload: dict[str, Any]) -> None:
    parsers = client._connection.parsers
    parsers["INTERACTION_CREATE"](payload)
