"""WebSocket frames (RFC 6455 section 5) without I/O: a reader for what clients send and the
server's own frames.

Server frames are never masked, so one encoded frame can go unchanged to every recipient of a
broadcast. Client frames are always masked and, with no extension negotiated (we offer
none), never have reserved bits set.
"""

from __future__ import annotations

import struct

CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA

# Close codes (RFC 6455 section 7.4.1).
NORMAL, GOING_AWAY, PROTOCOL_ERROR, INVALID_DATA, TOO_BIG = 1000, 1001, 1002, 1007, 1009


class FrameError(Exception):
    """The client broke the protocol: close the connection with ``code``."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def text_frame(payload: bytes, first_byte: int = 0x81) -> bytes:
    """A complete, unmasked, final WebSocket text frame; 0x82 as the first byte makes it a
    binary one, 0x88/0x89/0x8A a close, ping or pong."""
    size = len(payload)
    if size < 126:
        header = struct.pack("!BB", first_byte, size)
    elif size < 65536:
        header = struct.pack("!BBH", first_byte, 126, size)
    else:
        header = struct.pack("!BBQ", first_byte, 127, size)
    return header + payload


def close_frame(code: int, reason: str = "") -> bytes:
    return text_frame(code.to_bytes(2, "big") + reason.encode()[:123], 0x80 | CLOSE)


def unmask(payload: bytes, mask: bytes) -> bytes:
    """XOR with the repeated 4-byte mask, as one big-integer operation (a Python loop over
    the bytes would cost a microsecond per few bytes)."""
    size = len(payload)
    if not size:
        return b""
    key = (mask * (size // 4 + 1))[:size]
    return (int.from_bytes(payload, "little") ^ int.from_bytes(key, "little")).to_bytes(
        size, "little")


class FrameReader:
    """Turns the bytes a client sends into whole messages and control frames.

    ``feed`` returns ``(opcode, payload)`` pairs: TEXT or BINARY with a complete (reassembled)
    message, or a CLOSE, PING or PONG frame. A message announced bigger than ``max_size``
    is refused from its header, before any of it is buffered."""

    __slots__ = ("_buffer", "_opcode", "_parts", "_size", "max_size")

    def __init__(self, max_size: int) -> None:
        self.max_size = max_size
        self._buffer = bytearray()  # an incomplete frame carried over to the next feed
        self._parts: list[bytes] | None = None  # a fragmented message in progress
        self._opcode = 0
        self._size = 0

    def feed(self, data: bytes) -> list[tuple[int, bytes]]:
        if self._buffer:
            self._buffer += data
            buf: bytes | bytearray = self._buffer
        else:
            buf = data  # the usual case: whole frames in one read, nothing copied
        out: list[tuple[int, bytes]] = []
        pos, end = 0, len(buf)
        while end - pos >= 2:
            first, second = buf[pos], buf[pos + 1]
            if first & 0x70:
                raise FrameError(PROTOCOL_ERROR, "reserved bits set")
            if not second & 0x80:
                raise FrameError(PROTOCOL_ERROR, "client frames must be masked")
            fin, opcode, length, head = first & 0x80, first & 0x0F, second & 0x7F, 2
            if length == 126:
                if end - pos < 4:
                    break
                length, head = int.from_bytes(buf[pos + 2:pos + 4], "big"), 4
            elif length == 127:
                if end - pos < 10:
                    break
                length, head = int.from_bytes(buf[pos + 2:pos + 10], "big"), 10
            self._check(fin, opcode, length)
            start = pos + head + 4
            if start + length > end:
                break
            payload = unmask(bytes(buf[start:start + length]), bytes(buf[start - 4:start]))
            pos = start + length
            if opcode >= CLOSE:
                out.append((opcode, payload))
            elif opcode != CONTINUATION:
                if fin:
                    out.append((opcode, payload))
                else:
                    self._parts, self._opcode, self._size = [payload], opcode, length
            else:
                assert self._parts is not None  # _check refused a continuation of nothing
                self._parts.append(payload)
                self._size += length
                if fin:
                    out.append((self._opcode, b"".join(self._parts)))
                    self._parts, self._size = None, 0
        if pos == end:
            self._buffer.clear()
        elif buf is self._buffer:
            del self._buffer[:pos]
        else:
            self._buffer += buf[pos:]
        return out

    def _check(self, fin: int, opcode: int, length: int) -> None:
        if opcode >= CLOSE:
            if opcode not in (CLOSE, PING, PONG):
                raise FrameError(PROTOCOL_ERROR, f"unknown opcode {opcode}")
            if not fin or length > 125:
                raise FrameError(PROTOCOL_ERROR, "control frames are short and whole")
            return
        if opcode not in (CONTINUATION, TEXT, BINARY):
            raise FrameError(PROTOCOL_ERROR, f"unknown opcode {opcode}")
        if (opcode == CONTINUATION) != (self._parts is not None):
            raise FrameError(PROTOCOL_ERROR, "a fragment out of sequence")
        if self._size + length > self.max_size:
            raise FrameError(TOO_BIG, "message too big")
