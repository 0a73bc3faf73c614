"""The Telegram bot (aiogram 3): every handler translates an update into one domain service
call and renders the result.

- ``bot.py`` builds the Bot (TELEGRAM_API_URL, 429 retry) and the Dispatcher (FSM in memory,
  or Redis with REDIS_URL; the domain's Deps in its workflow data as ``deps``).
- ``routers/`` one Router per feature; ``errors.py`` turns refusals into helpful replies.
- ``delivery.py`` hears the domain's EventBus: DMs and community announcement cards.
- ``webhook.py`` mounts the bot in ``openchance serve``; ``polling.py`` runs it on its own
  (``openchance bot telegram``).
"""
