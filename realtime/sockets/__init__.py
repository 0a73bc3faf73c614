"""The Socket.IO server: conversations, messages, typing, presence and live pushes."""

from realtime.sockets.options import SocketOptions
from realtime.sockets.server import SOCKETS, Realtime, setup_sockets

__all__ = ["SOCKETS", "Realtime", "SocketOptions", "setup_sockets"]
