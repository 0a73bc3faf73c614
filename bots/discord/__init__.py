"""The Discord bot (discord.py 2) on the chat-bot core (``bots.core``): it wires discord.py
and renders; every verb, text, rule and delivery is the core's.

- ``cogs/`` one cog per feature, application commands (``/challenge``, ``/escrow``, ``/mod``
  groups); ``modals.py`` the forms (post, apply, message).
- ``buttons.py`` the core's buttons as persistent dynamic items (they survive restarts).
- ``respond.py`` acknowledges every interaction first (``defer``), then answers; refusals
  are explained privately (ephemeral).
- ``platform.py`` the core's ChatPlatform over REST (DMs, cards, Manage Server check);
  ``render.py`` Markdown, embeds and views; ``rest.py`` DISCORD_API_URL.
- ``bot.py`` builds the AutoShardedBot; ``gateway.py`` runs it (``openchance bot discord``);
  ``http.py`` serves Discord's HTTP interactions in ``openchance serve`` instead
  (DISCORD_PUBLIC_KEY; ``signature.py`` Ed25519, ``http_answer.py`` the answer's seam).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

    from bots.discord.bot import OpenChanceBot
    from openchance.runtime import Runtime

GROUP = "discord"


def setup(rt: Runtime) -> OpenChanceBot:
    """The bot, with the core's delivery as the consumer of the event log's ``discord`` group
    (DMs for notifications and chat, cards in opted-in channels)."""
    from bots.core.delivery import Delivery
    from bots.discord.bot import build_bot

    bot = build_bot(rt.deps, rt.settings, deliver_in_process=False)
    bot.delivery = rt.consume_events(GROUP, Delivery(bot.platform).handle)
    return bot


def mount(app: web.Application, bot: OpenChanceBot) -> None:
    """HTTP mode: Discord's interactions endpoint in this aiohttp app (``http.py``)."""
    from bots.discord import http

    http.mount(app, bot)


__all__ = ["GROUP", "mount", "setup"]
