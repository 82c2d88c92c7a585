#!/usr/bin/env python3
"""Writes a minimal, valid, empty registry hive (regf 1.5: base block, one hbin, a root key
with a security cell), the starting point for `hivexregedit --merge` (Debian ships no empty
hive). Deterministic: all timestamps are 2023-01-01T00:00:00Z.

Usage: empty_hive.py OUTPUT [FILENAME-IN-HEADER]
"""
import struct
import sys

FILETIME_2023 = (1672531200 + 11644473600) * 10_000_000


def sid(auth, *subs):
    return struct.pack("<BB", 1, len(subs)) + auth.to_bytes(6, "big") + b"".join(struct.pack("<I", s) for s in subs)


def security_descriptor():
    owner = sid(5, 32, 544)
    ace_sid = sid(1, 0)  # Everyone
    ace = struct.pack("<BBHI", 0, 0, 8 + len(ace_sid), 0x000F003F) + ace_sid
    acl = struct.pack("<BBHHH", 2, 0, 8 + len(ace), 1, 0) + ace
    header = struct.pack("<BBHIIII", 1, 0, 0x8004, 20, 0, 0, 20 + len(owner))
    return header + owner + acl


def cell(payload, align=8):
    size = 4 + len(payload)
    size = (size + align - 1) // align * align
    return struct.pack("<i", -size) + payload.ljust(size - 4, b"\0")


def main(out, name="SOFTWARE"):
    root_off = 0x20
    nk_len = cell(b"\0" * 76 + b"ROOT").__len__()
    sk_off = root_off + nk_len
    nk = struct.pack(
        "<2sHQIIIIIIIIIIIIIIIHH",
        b"nk", 0x2C, FILETIME_2023, 0, 0, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0xFFFFFFFF,
        sk_off, 0xFFFFFFFF, 0, 0, 0, 0, 0, 4, 0,
    ) + b"ROOT"
    sd = security_descriptor()
    sk = struct.pack("<2sHIIII", b"sk", 0, sk_off, sk_off, 1, len(sd)) + sd
    cells = cell(nk) + cell(sk)
    free = 4096 - 32 - len(cells)
    hbin = struct.pack("<4sIIQQI", b"hbin", 0, 4096, 0, FILETIME_2023, 0) + cells + struct.pack("<i", free) + b"\0" * (free - 4)
    assert len(hbin) == 4096
    base = bytearray(4096)
    struct.pack_into("<4sIIQIIIIiII", base, 0, b"regf", 1, 1, FILETIME_2023, 1, 5, 0, 1, root_off, 4096, 1)
    fname = name.encode("utf-16-le")[:64]
    base[48:48 + len(fname)] = fname
    checksum = 0
    for i in range(127):
        checksum ^= struct.unpack_from("<I", base, i * 4)[0]
    if checksum == 0xFFFFFFFF:
        checksum = 0xFFFFFFFE
    elif checksum == 0:
        checksum = 1
    struct.pack_into("<I", base, 508, checksum)
    with open(out, "wb") as f:
        f.write(bytes(base) + hbin)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
