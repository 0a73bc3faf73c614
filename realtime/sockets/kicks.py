"""Sockets end when their session does: logout, token revocation and bans disconnect the
user's sockets on every node, at once through the kick channel (Redis pub/sub with REDIS_URL),
and within ``revalidate_every`` seconds through a periodic re-check of every socket's token
(which also catches a kick lost while Redis was down, or a ban made by a bot process)."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from domain.adapters.redis_fallback import REDIS_DOWN
from domain.adapters.session_kicks import LocalKicks, RedisKicks, open_kicks
from domain.events import EventBus, SessionsRevoked, UserBanned
from domain.services.sessions import live_tokens
from realtime.sockets.handlers import SocketEvents

log = logging.getLogger(__name__)


class SessionGuard:
    def __init__(self, events: SocketEvents, bus: EventBus, redis_url: str | None) -> None:
        self.events = events
        self.channel: LocalKicks | RedisKicks = open_kicks(redis_url)
        self._sweeper: asyncio.Task[None] | None = None
        self.closed = False
        bus.subscribe(UserBanned, self._banned)
        bus.subscribe(SessionsRevoked, self._revoked)

    async def _banned(self, event: UserBanned) -> None:
        if event.banned:
            await self._publish(event.user_id, ())

    async def _revoked(self, event: SessionsRevoked) -> None:
        await self._publish(event.user_id, tuple(event.token_hashes))

    async def _publish(self, user_id: str, token_hashes: tuple[str, ...]) -> None:
        if self.closed:
            return
        try:
            await self.channel.publish(user_id, token_hashes)
        except REDIS_DOWN as exc:
            # Other nodes find out at their next re-check; this node acts now.
            log.warning("session kick for %s not broadcast (%s)", user_id, exc)
            await self.events.kick(user_id, token_hashes)

    async def _kick(self, user_id: str, token_hashes: tuple[str, ...]) -> None:
        if not self.closed:
            await self.events.kick(user_id, token_hashes)

    def start(self) -> None:
        self.channel.listen(self._kick)
        self._sweeper = asyncio.ensure_future(self._sweep_forever())

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.events.options.revalidate_every)
            try:
                await self.sweep()
            except Exception:  # the database may be briefly away: try again next round
                log.warning("socket session re-check failed; retrying later", exc_info=True)

    async def sweep(self) -> int:
        """Disconnect every socket whose token is no longer good; how many."""
        sessions = self.events.sessions
        if not sessions:
            return 0
        good = await live_tokens({s.token_hash for s in sessions.values()})
        stale = [sid for sid, s in list(sessions.items()) if s.token_hash not in good]
        for sid in stale:
            await self.events.end(sid)
        return len(stale)

    async def stop(self) -> None:
        self.closed = True
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
        await self.channel.close()
