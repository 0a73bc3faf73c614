"""Tunables of the Socket.IO server; defaults suit production. One instance is shared by the
server's parts, so a test may shorten the timers on ``app[SOCKETS].options``."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class SocketOptions:
    # Per socket: a steady rate of events and the burst allowed above it.
    events_per_second: float = 20.0
    event_burst: int = 60
    # Largest WebSocket frame accepted; bigger ones close the socket (1009) before parsing.
    # Anything smaller that is invalid (say a 100 kB message body) gets an error ack.
    max_frame_bytes: int = 256 * 1024
    typing_ttl: float = 5.0
    presence_grace: float = 5.0
    presence_heartbeat: float = 10.0
    # conversation:join replays at most this many missed messages; the ack says if more wait.
    max_missed: int = 5000
    max_watched_challenges: int = 200
    max_presence_subscriptions: int = 500
    max_joined_conversations: int = 500
    # Per user across all their sockets on a node: how many at once, and one shared budget of
    # events on top of each socket's own (many sockets must not multiply a user's rate).
    max_sockets_per_user: int = 12
    # Connection attempts per token (a reloading tab is fine; a flood is refused cheaply).
    connects_per_second: float = 2.0
    connect_burst: int = 20
    user_events_per_second: float = 40.0
    user_event_burst: int = 120
    # Frames that do not parse count against the limits; past this many the socket is closed.
    max_bad_packets: int = 5
    # How often sockets re-check their token (catches a kick lost while Redis was down).
    revalidate_every: float = 10.0
    # Slow consumers (see realtime/sockets/transport.py): a socket with more unsent bytes than
    # this, or more packets waiting in its queue, is disconnected at its next delivery; its
    # client reconnects and replays what it missed. About 1,700 chat messages or 30 seconds
    # of a busy room's pushes.
    slow_consumer_bytes: int = 1024 * 1024
    slow_consumer_packets: int = 1000


class TokenBucket:
    """Allows ``rate`` events per second on average with bursts up to ``burst``."""

    __slots__ = ("burst", "rate", "stamp", "tokens")

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False
