"""Who and where, from any Slack payload. A Slack user id is one person in one workspace, so
the OpenChance identity is ``TEAM:USER`` (and a channel ``TEAM:CHANNEL``): one install of the
app in many workspaces never mixes them up, and a delivery knows whose token to use."""

from __future__ import annotations

from typing import Any

from bots.core.results import Place


def joined(team_id: str, local_id: str) -> str:
    return f"{team_id}:{local_id}"


def split(external_id: str) -> tuple[str, str]:
    """``TEAM:LOCAL`` -> (team, local id)."""
    team, _, local = external_id.partition(":")
    if not team or not local:
        raise ValueError(f"not a Slack id: {external_id!r}")
    return team, local


def team_of(body: dict[str, Any]) -> str:
    user = body.get("user") if isinstance(body.get("user"), dict) else {}
    team = body.get("team") if isinstance(body.get("team"), dict) else {}
    return str(body.get("team_id") or (user or {}).get("team_id") or (team or {}).get("id")
               or "")


def user_of(body: dict[str, Any]) -> tuple[str, str]:
    """(user id, name) of whoever acted: a slash command's ``user_id``/``user_name``, an
    interaction's ``user`` object, or an event's ``user``."""
    if isinstance(body.get("user"), dict):
        user = body["user"]
        return str(user["id"]), str(user.get("name") or user.get("username") or user["id"])
    if "user_id" in body:
        return str(body["user_id"]), str(body.get("user_name") or body["user_id"])
    event = body.get("event") or {}
    return str(event.get("user") or ""), str(event.get("user") or "")


def channel_of(body: dict[str, Any]) -> tuple[str, str]:
    """(channel id, name) where a command was given or a button pressed."""
    if "channel_id" in body:
        return str(body["channel_id"]), str(body.get("channel_name") or body["channel_id"])
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    found = str(channel.get("id") or container.get("channel_id") or "")
    return found, str(channel.get("name") or found)


def is_private(channel_id: str, channel_name: str = "") -> bool:
    """A direct message (``D...``; slash commands there say ``directmessage``)."""
    return channel_id.startswith("D") or channel_name == "directmessage"


def place_of(body: dict[str, Any]) -> Place:
    team = team_of(body)
    channel, name = channel_of(body)
    private = is_private(channel, name)
    title = "this conversation" if private else f"#{name}"
    return Place(joined(team, channel), title, private=private, server_id=team)
