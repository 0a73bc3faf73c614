"""The frame reader of taken-over WebSockets (realtime/sockets/websocket_frames.py): what
clients send, split anywhere, and every way of breaking RFC 6455 that it must refuse."""

from __future__ import annotations

import os
import struct

import pytest

from realtime.sockets.websocket_frames import (
    BINARY,
    CLOSE,
    PING,
    PROTOCOL_ERROR,
    TEXT,
    TOO_BIG,
    FrameError,
    FrameReader,
    close_frame,
    unmask,
)


def client_frame(payload: bytes, opcode: int = TEXT, fin: bool = True, masked: bool = True,
                 rsv: int = 0) -> bytes:
    """A frame as a browser sends it: masked with a random key."""
    first = (0x80 if fin else 0) | rsv | opcode
    size = len(payload)
    mask_bit = 0x80 if masked else 0
    if size < 126:
        header = struct.pack("!BB", first, mask_bit | size)
    elif size < 65536:
        header = struct.pack("!BBH", first, mask_bit | 126, size)
    else:
        header = struct.pack("!BBQ", first, mask_bit | 127, size)
    if not masked:
        return header + payload
    key = os.urandom(4)
    return header + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def test_unmask_matches_the_byte_by_byte_definition() -> None:
    key = b"\x01\x80\xfe\x7f"
    for size in (0, 1, 3, 4, 5, 125, 126, 1000):
        payload = os.urandom(size)
        assert unmask(payload, key) == bytes(b ^ key[i % 4] for i, b in enumerate(payload))


@pytest.mark.parametrize("size", [0, 5, 125, 126, 200, 65535, 65536, 70_000])
def test_every_length_encoding_reads_back(size: int) -> None:
    payload = os.urandom(size)
    assert FrameReader(1 << 20).feed(client_frame(payload, BINARY)) == [(BINARY, payload)]


def test_frames_split_at_every_byte_come_out_whole_and_in_order() -> None:
    stream = (client_frame(b"42[\"a\"]") + client_frame(b"x" * 300)
              + client_frame(b"ping!", PING) + client_frame(b"last"))
    expected = [(TEXT, b"42[\"a\"]"), (TEXT, b"x" * 300), (PING, b"ping!"), (TEXT, b"last")]
    for cut in range(1, len(stream)):
        reader = FrameReader(4096)
        assert reader.feed(stream[:cut]) + reader.feed(stream[cut:]) == expected
    one_at_a_time = FrameReader(4096)
    assert [f for i in range(len(stream)) for f in one_at_a_time.feed(stream[i:i + 1])] == (
        expected)


def test_a_fragmented_message_is_reassembled_around_a_control_frame() -> None:
    stream = (client_frame(b"hel", TEXT, fin=False) + client_frame(b"p", PING)
              + client_frame(b"lo ", 0, fin=False) + client_frame(b"world", 0))
    assert FrameReader(100).feed(stream) == [(PING, b"p"), (TEXT, b"hello world")]


def test_a_message_announced_too_big_is_refused_from_its_header() -> None:
    header = struct.pack("!BBQ", 0x82, 0x80 | 127, 10 * 2**30)  # 10 GiB, nothing after
    with pytest.raises(FrameError) as refused:
        FrameReader(256 * 1024).feed(header)
    assert refused.value.code == TOO_BIG


def test_fragments_adding_up_to_too_much_are_refused() -> None:
    reader = FrameReader(100)
    reader.feed(client_frame(b"a" * 60, TEXT, fin=False))
    with pytest.raises(FrameError) as refused:
        reader.feed(client_frame(b"b" * 60, 0))
    assert refused.value.code == TOO_BIG


@pytest.mark.parametrize("frames", [
    client_frame(b"unmasked", masked=False),
    client_frame(b"rsv1", rsv=0x40),  # compression was never negotiated
    client_frame(b"op 3", opcode=3),
    client_frame(b"op 11", opcode=11),
    client_frame(b"x" * 126, PING),  # control frames carry at most 125 bytes
    client_frame(b"split ping", PING, fin=False),
    client_frame(b"continues nothing", 0),
    client_frame(b"first", TEXT, fin=False) + client_frame(b"second", TEXT),
], ids=["unmasked", "reserved-bit", "opcode-3", "opcode-11", "long-ping", "fragmented-ping",
        "stray-continuation", "interleaved-messages"])
def test_protocol_violations_are_refused(frames: bytes) -> None:
    with pytest.raises(FrameError) as refused:
        FrameReader(4096).feed(frames)
    assert refused.value.code == PROTOCOL_ERROR


def test_close_frames_carry_their_code() -> None:
    frame = close_frame(1001, "going away")
    assert frame[0] == 0x88 and frame[2:4] == (1001).to_bytes(2, "big")
    assert frame[4:] == b"going away"
    echoed = client_frame(frame[2:], CLOSE)
    assert FrameReader(100).feed(echoed) == [(CLOSE, frame[2:])]
