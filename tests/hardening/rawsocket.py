"""A minimal Socket.IO client over a raw aiohttp WebSocket (Engine.IO 4 framing), light enough
to open hundreds at once and able to send frames a real client never would."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import aiohttp
import orjson


class RawSocket:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._ids = itertools.count(1)
        self.closed_by_server = False

    @classmethod
    async def open(cls, session: aiohttp.ClientSession, base_url: str,
                   token: str) -> tuple[RawSocket | None, str]:
        """Connect to the default namespace; (socket, "") or (None, the refusal's code)."""
        url = base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        ws = await session.ws_connect(url, timeout=aiohttp.ClientWSTimeout(ws_close=2))
        sock = cls(ws)
        opening = await sock._text()
        assert opening.startswith("0"), opening
        await ws.send_str("40" + orjson.dumps({"token": token}).decode())
        reply = await sock._text()
        if reply.startswith("40"):
            return sock, ""
        await ws.close()
        data = orjson.loads(reply[2:]) if reply.startswith("44") else {}
        return None, str((data.get("data") or {}).get("code") or data.get("message") or reply)

    async def _text(self, timeout: float = 10) -> str:
        while True:
            msg = await self.ws.receive(timeout=timeout)
            if msg.type != aiohttp.WSMsgType.TEXT:
                self.closed_by_server = True
                raise ConnectionError(f"socket closed ({msg.type})")
            if msg.data == "2":  # Engine.IO ping
                await self.ws.send_str("3")
                continue
            return str(msg.data)

    async def call(self, event: str, data: Any, timeout: float = 10) -> Any:
        """Emit with an ack and wait for it (pushes arriving meanwhile are skipped)."""
        ack_id = next(self._ids)
        await self.ws.send_str(f"42{ack_id}" + orjson.dumps([event, data]).decode())
        prefix = f"43{ack_id}"
        while True:
            text = await self._text(timeout)
            if text.startswith(prefix):
                return orjson.loads(text[len(prefix):])[0]

    async def send_raw(self, frame: str) -> None:
        await self.ws.send_str(frame)

    async def wait_closed(self, timeout: float = 5) -> bool:
        """True if the server closes the socket within ``timeout``."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    await self._text(timeout)
        except ConnectionError:
            return True
        except TimeoutError:
            return False

    async def close(self) -> None:
        if not self.ws.closed:
            await self.ws.close()
