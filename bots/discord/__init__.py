"""The Discord bot (discord.py 2) on the chat-bot core (``bots.core``): it wires discord.py
and renders; every verb, text, rule and delivery is the core's.

- ``cogs/`` one cog per feature, application commands (``/challenge``, ``/escrow``, ``/mod``
  groups); ``modals.py`` the forms (post, apply, message).
- ``buttons.py`` the core's buttons as persistent dynamic items (they survive restarts).
- ``respond.py`` acknowledges every interaction first (``defer``), then answers; refusals
  are explained privately (ephemeral).
- ``platform.py`` the core's ChatPlatform over REST (DMs, cards, Manage Server check);
  ``render.py`` Markdown, embeds and views; ``rest.py`` DISCORD_API_URL.
- ``bot.py`` builds the AutoShardedBot; ``gateway.py`` runs it (``openchance bot discord``).
"""
