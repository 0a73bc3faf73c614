"""HTTP mode inside ``openchance serve``: with the application's Interactions Endpoint URL set
to ``https://HOST/api/v1/discord/interactions``, Discord POSTs every interaction here instead
of sending it through the gateway. The signature (DISCORD_PUBLIC_KEY) is checked before
anything is read (401 otherwise); a PING is answered PONG; everything else is handed to the
same discord.py bot, cogs, buttons and forms as in gateway mode, and their first answer
(``respond.py`` defers at once) becomes this request's response body (``http_answer.py``).

The node logs in over REST only (who the bot is, the application, command sync) and never
connects to the gateway: DMs and announcement cards go out over REST from the event log's
``discord`` group, which every ``serve`` node consumes together."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, cast

from aiohttp import web
from discord.webhook.async_ import async_context

from bots.discord import modals
from bots.discord.bot import OpenChanceBot
from bots.discord.http_answer import EPHEMERAL, FirstAnswer
from bots.discord.respond import HANDLED
from bots.discord.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier

log = logging.getLogger(__name__)
INTERACTIONS_PATH = "/api/v1/discord/interactions"
DISCORD = web.AppKey("discord", OpenChanceBot)
PING, PONG, MODAL_SUBMIT = 1, 1, 5
# Discord waits 3 s for the answer; respond.py defers before any work, so only an interaction
# nothing handles (a command this version does not have) comes near this.
ANSWER_WITHIN = 2.5
# At shutdown, how long the work after answers already given may take to finish (its
# follow-ups need the bot's REST session, closed after it).
FINISH_WITHIN = 10.0
UNHANDLED = {"type": 4, "data": {"flags": EPHEMERAL, "content":
                                 "That did not work here. Please try again in a moment."}}


class InFlight:
    """Interactions answered but still at work (``respond.HANDLED`` ends each)."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.idle = asyncio.Event()
        self.idle.set()

    def begin(self, interaction_id: int) -> None:
        self.ids.add(interaction_id)
        self.idle.clear()

    def end(self, interaction_id: int) -> None:
        self.ids.discard(interaction_id)
        if not self.ids:
            self.idle.set()

    async def finish(self, within: float) -> None:
        try:
            await asyncio.wait_for(self.idle.wait(), within)
        except TimeoutError:
            log.warning("closing with %d Discord interactions unfinished", len(self.ids))


def _not_the_endpoint_warning(record: logging.LogRecord) -> bool:
    """discord.py warns at login that an application with an Interactions Endpoint URL gets
    no interactions through the library: true of its gateway, not of this process."""
    return "interaction endpoint URL set" not in record.getMessage()


def mount(app: web.Application, bot: OpenChanceBot) -> None:
    settings = bot.settings
    assert settings.discord_bot_token and settings.discord_public_key
    verifier = Verifier(settings.discord_public_key)  # a malformed key stops serve at start
    app[DISCORD] = bot
    ready = asyncio.Event()
    in_flight = InFlight()

    async def handled(interaction: Any) -> None:
        in_flight.end(interaction.id)

    bot.add_listener(handled, f"on_{HANDLED}")

    async def interactions(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if not verifier.valid(request.headers.get(SIGNATURE_HEADER),
                              request.headers.get(TIMESTAMP_HEADER), body):
            return web.json_response({"error": "invalid request signature"}, status=401)
        payload = _interaction(body)
        if payload is None:
            return web.json_response({"error": "not an interaction"}, status=400)
        if payload["type"] == PING:
            return web.json_response({"type": PONG})
        if not ready.is_set():
            return web.json_response({"error": "the bot is not logged in"}, status=503)
        return await answer(request, payload)

    async def answer(request: web.Request, payload: dict[str, Any]) -> web.StreamResponse:
        first = FirstAnswer()
        entered = async_context.set(first)
        in_flight.begin(int(payload["id"]))
        try:
            hand_over(payload)
        except (KeyError, TypeError, ValueError):  # signed, yet not what discord.py parses
            log.exception("Discord interaction %s could not be parsed", payload["id"])
            in_flight.end(int(payload["id"]))
            return web.json_response({"error": "not an interaction"}, status=400)
        finally:
            async_context.reset(entered)
        try:
            shown = await asyncio.wait_for(asyncio.shield(first.answer), ANSWER_WITHIN)
        except TimeoutError:
            log.warning("Discord interaction %s (type %s) got no answer in %.1f s",
                        payload["id"], payload["type"], ANSWER_WITHIN)
            shown = UNHANDLED
            in_flight.end(int(payload["id"]))  # nothing took it up
        try:
            response = web.json_response(shown)
            await response.prepare(request)
            await response.write_eof()
            return response
        finally:
            first.give_up(shown)  # and the work goes on: its follow-ups follow this answer

    def hand_over(payload: dict[str, Any]) -> None:
        # discord.py's own dispatch of a gateway INTERACTION_CREATE (the command tree, the
        # view store's buttons and forms); ``_connection`` is the bot's ConnectionState.
        state = bot._connection
        if payload["type"] == MODAL_SUBMIT:
            # The form may have been opened by another node, or not at all by this process.
            form = modals.restore(str((payload.get("data") or {}).get("custom_id") or ""))
            if form is not None:
                state.store_view(form)
        state.parse_interaction_create(cast(Any, payload))

    async def log_in(app: web.Application) -> None:
        logging.getLogger("discord.client").addFilter(_not_the_endpoint_warning)
        try:
            await bot.login(str(settings.discord_bot_token))  # REST only; setup_hook syncs
        except Exception:  # the rest of the platform still serves; interactions get 503
            log.exception("the Discord bot could not log in; %s answers 503", INTERACTIONS_PATH)
            return
        ready.set()

    async def close(app: web.Application) -> None:
        await in_flight.finish(FINISH_WITHIN)
        await bot.close()

    app.router.add_post(INTERACTIONS_PATH, interactions)
    app.on_startup.append(log_in)
    app.on_shutdown.append(close)


def _interaction(body: bytes) -> dict[str, Any] | None:
    """The payload, if it is shaped like an interaction (Discord signed it, so this is only
    a guard against a version of the API this code does not know)."""
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), int):
        return None
    if payload["type"] != PING and not (str(payload.get("id") or "").isdigit()
                                        and payload.get("token")):
        return None
    return payload
