#!/usr/bin/env python3
"""Draws reglab's icon, assets/icon/reglab.png (256×256 RGBA): the picture
of why L1 gives zeros. A rounded dark square with two axes, the L1 ball
(a diamond, orange) and the L2 ball (a circle, blue), and a dot where the
diamond's corner sits on an axis. Pure Python, 4×4 supersampling."""

import math
import struct
import zlib
from pathlib import Path

SIZE = 256
SS = 4
BG = (0x1E, 0x22, 0x2A)
AXIS = (0x8A, 0x90, 0x9A)
L1 = (0xD5, 0x5E, 0x00)
L2 = (0x56, 0xB4, 0xE9)
DOT = (0xFF, 0xFF, 0xFF)


def inside_rounded(x, y, r=44.0):
    """Inside the rounded square that fills the icon."""
    cx = min(max(x, r), SIZE - r)
    cy = min(max(y, r), SIZE - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def layers(x, y):
    """The colour at (x, y), later layers over earlier ones; None outside."""
    if not inside_rounded(x, y):
        return None
    c = BG
    u, v = x - SIZE / 2, SIZE / 2 - y
    if abs(u) <= 3 or abs(v) <= 3:
        c = AXIS
    radius = 72.0
    if abs(math.hypot(u, v) - radius) <= 7:
        c = L2
    if abs(abs(u) + abs(v) - 92.0) <= 7.5:
        c = L1
    if math.hypot(u, v - 92.0) <= 14:
        c = DOT
    return c


def main():
    rows = []
    for py in range(SIZE):
        row = bytearray([0])
        for px in range(SIZE):
            acc = [0.0, 0.0, 0.0, 0.0]
            for sy in range(SS):
                for sx in range(SS):
                    c = layers(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
                    if c is not None:
                        acc[0] += c[0]
                        acc[1] += c[1]
                        acc[2] += c[2]
                        acc[3] += 255
            n = SS * SS
            a = acc[3] / n
            if a > 0:
                row += bytes([round(acc[0] * 255 / acc[3]), round(acc[1] * 255 / acc[3]),
                              round(acc[2] * 255 / acc[3]), round(a)])
            else:
                row += bytes([0, 0, 0, 0])
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9))
    png += chunk(b"IEND", b"")
    out = Path(__file__).with_name("reglab.png")
    out.write_bytes(png)
    print(f"wrote {out} ({len(png)} bytes)")


if __name__ == "__main__":
    main()
