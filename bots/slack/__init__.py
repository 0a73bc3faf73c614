"""The Slack app (slack-bolt's AsyncApp) on the chat-bot core (``bots.core``): it wires Bolt
and renders Block Kit; every verb, text, rule and delivery is the core's.

- ``commands.py`` ``/challenge VERB ...`` and ``/challenge-mod VERB ...``; ``modals.py`` the
  forms (post, apply, message); ``buttons.py`` the core's buttons (Block Kit actions);
  ``events.py`` DMs to the app (thread replies reach the conversation) and once-only event
  handling; ``home.py`` the App Home tab.
- ``answer.py`` acknowledges first, then answers (ephemeral, or in the DM); refusals are
  explained to the person alone. ``render.py`` mrkdwn and blocks.
- ``platform.py`` the core's ChatPlatform over the Web API; ``webapi.py`` SLACK_API_URL.
- ``app.py`` builds the AsyncApp (SLACK_BOT_TOKEN, or OAuth installs: ``oauth.py``);
  ``http.py`` mounts it in ``openchance serve``; ``socket_mode.py`` runs ``openchance bot
  slack``. ``manifest.yml`` creates the app in one paste.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bots.slack.app import SlackBot, enabled
from bots.slack.http import mount

if TYPE_CHECKING:
    from openchance.runtime import Runtime

GROUP = "slack"


def setup(rt: Runtime) -> SlackBot:
    """The app, with the core's delivery as the consumer of the event log's ``slack`` group
    (DMs for notifications and chat, cards in opted-in channels), and the Home tab drawn
    again for whoever was notified."""
    from bots.core.delivery import Delivery
    from bots.slack import home
    from bots.slack.app import build
    from domain.events import Event, NotificationCreated

    bot = build(rt.deps, rt.settings)
    delivery = Delivery(bot.platform)

    async def deliver(event: Event, key: str = "") -> None:
        await delivery.handle(event, key)
        if isinstance(event, NotificationCreated):
            await home.refresh(bot, event.user_id)  # the Home tab shows what changed

    bot.delivery = rt.consume_events(GROUP, deliver)
    return bot


__all__ = ["GROUP", "SlackBot", "enabled", "mount", "setup"]
