"""The seam that lets discord.py's own Interaction objects answer an interaction that arrived
over HTTP: the first answer (defer, a message, a modal) must be that request's response body,
not a POST to Discord's callback endpoint; everything after it (follow-ups, edits of the
original response) goes over REST as in gateway mode.

discord.py sends every interaction response through the webhook adapter it finds in the
context variable ``discord.webhook.async_.async_context``. The HTTP endpoint sets one
``FirstAnswer`` per request before discord.py parses the payload, and asyncio copies the
context into every task discord.py starts for it (the command, the button's or modal's
callback), so this request's answer, and no other's, lands here. The variable is not in
discord.py's documented API: it is touched only here and in http.py, the version is pinned
(pyproject.toml), and tests/bots/discord/test_http_interactions.py drives the real client."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiohttp
from discord.http import MultipartParameters
from discord.webhook.async_ import AsyncWebhookAdapter

EPHEMERAL = 64
DEFERRED_MESSAGE = 5
# How long the callback waits for the HTTP response to be written before the interaction's
# work goes on (its follow-ups must reach Discord after the answer they follow).
WRITTEN_WITHIN = 5.0


class FirstAnswer(AsyncWebhookAdapter):
    def __init__(self) -> None:
        super().__init__()
        self.answer: asyncio.Future[dict[str, Any]] = (
            asyncio.get_running_loop().create_future())
        self.written = asyncio.Event()

    def give_up(self, payload: dict[str, Any]) -> None:
        """The request was answered with ``payload`` without discord.py (nothing handled the
        interaction in time); a late answer goes to the callback endpoint."""
        if not self.answer.done():
            self.answer.set_result(payload)
        self.written.set()

    async def create_interaction_response(  # type: ignore[override]
            self, interaction_id: int, token: str, *, session: aiohttp.ClientSession,
            proxy: str | None = None, proxy_auth: aiohttp.BasicAuth | None = None,
            params: MultipartParameters) -> dict[str, Any]:
        if self.answer.done():  # answered already: Discord's callback endpoint says so
            response: dict[str, Any] = await super().create_interaction_response(
                interaction_id, token, session=session, proxy=proxy, proxy_auth=proxy_auth,
                params=params)
            return response
        if params.files or params.payload is None:
            # Our answers carry no attachments; a JSON response body could not hold them.
            raise ValueError("an interaction answered over HTTP cannot attach files")
        payload = params.payload
        self.answer.set_result(payload)
        with contextlib.suppress(TimeoutError):  # not written yet: go on all the same
            await asyncio.wait_for(self.written.wait(), WRITTEN_WITHIN)
        flags = int((payload.get("data") or {}).get("flags") or 0)
        # What Discord's callback endpoint would have said (with_response), less the message
        # it made: discord.py reads only these.
        return {"interaction": {"id": str(interaction_id),
                                "response_message_loading": payload["type"] == DEFERRED_MESSAGE,
                                "response_message_ephemeral": bool(flags & EPHEMERAL)}}
