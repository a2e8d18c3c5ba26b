"""Tiny real images for tests: valid PNG files built by hand, distinct per ``seed``."""

from __future__ import annotations

import struct
import zlib


def png(seed: int = 0, width: int = 2, height: int = 2) -> bytes:
    """A valid RGB PNG whose pixels (and so whose SHA-256) depend on ``seed``."""
    row = bytes((seed * 37 + x * 11) % 256 for x in range(width * 3))
    pixels = b"".join(b"\x00" + row for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(pixels))
        + _chunk(b"IEND", b"")
    )


def jpeg(seed: int = 0) -> bytes:
    """Bytes that start and end like a JFIF JPEG (enough for a magic-number check)."""
    return (
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
        + bytes([seed % 256]) * 64
        + b"\xff\xd9"
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
