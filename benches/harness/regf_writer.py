#!/usr/bin/env python3
"""A small registry hive (regf 1.5) writer for benchmark evidence: keys with REG_SZ, REG_DWORD
and REG_BINARY values, 'lh' subkey lists, one shared security cell. hivex grows a hive far
beyond its content when merging many keys (a 15 MB .reg became a 1.6 GB hive), so the
benchmark's 30+ MB SOFTWARE hive is written directly.
"""
import bisect
import struct

FILETIME = (1672531200 + 11644473600) * 10_000_000  # 2023-01-01T00:00:00Z


class Key:
    def __init__(self, name):
        self.name = name
        self.children = {}
        self.values = []  # (name, type, bytes)
        self.last_written = FILETIME

    def key(self, path):
        k = self
        for part in [p for p in path.split("\\") if p]:
            k = k.children.setdefault(part.upper(), Key(part)) if part.upper() not in k.children else k.children[part.upper()]
        return k

    def sz(self, name, text):
        self.values.append((name, 1, (text + "\0").encode("utf-16-le")))

    def dword(self, name, v):
        self.values.append((name, 4, struct.pack("<I", v)))

    def binary(self, name, b):
        self.values.append((name, 3, bytes(b)))


def lh_hash(name):
    h = 0
    for c in name.upper():
        h = (h * 37 + ord(c)) & 0xFFFFFFFF
    return h


class Writer:
    def __init__(self):
        self.bins = []  # bytearrays
        self.starts = []  # offset of each finished bin
        self.cur = None
        self.base = 0  # offset of current bin
        self.pos = 0

    def alloc(self, payload):
        size = (4 + len(payload) + 7) // 8 * 8
        if self.cur is None or self.pos + size > len(self.cur):
            self.finish_bin()
            bin_size = max(4096, (32 + size + 4095) // 4096 * 4096)
            self.cur = bytearray(bin_size)
            struct.pack_into("<4sIIQQI", self.cur, 0, b"hbin", self.base, bin_size, 0, FILETIME, 0)
            self.pos = 32
        off = self.base + self.pos
        struct.pack_into("<i", self.cur, self.pos, -size)
        self.cur[self.pos + 4:self.pos + 4 + len(payload)] = payload
        self.pos += size
        return off

    def patch(self, off, at, fmt, *vals):
        """Writes into the cell at `off` (field offset `at` past the size word)."""
        if self.cur is not None and self.base <= off < self.base + len(self.cur):
            struct.pack_into(fmt, self.cur, off - self.base + 4 + at, *vals)
            return
        i = bisect.bisect_right(self.starts, off) - 1
        b = self.bins[i]
        struct.pack_into(fmt, b, off - self.starts[i] + 4 + at, *vals)

    def finish_bin(self):
        if self.cur is None:
            return
        free = len(self.cur) - self.pos
        if free >= 8:
            struct.pack_into("<i", self.cur, self.pos, free)
        self.bins.append(self.cur)
        self.starts.append(self.base)
        self.base += len(self.cur)
        self.cur = None


def security_descriptor():
    def sid(auth, *subs):
        return struct.pack("<BB", 1, len(subs)) + auth.to_bytes(6, "big") + b"".join(struct.pack("<I", s) for s in subs)
    owner = sid(5, 32, 544)
    ace_sid = sid(1, 0)
    ace = struct.pack("<BBHI", 0, 0, 8 + len(ace_sid), 0x000F003F) + ace_sid
    acl = struct.pack("<BBHHH", 2, 0, 8 + len(ace), 1, 0) + ace
    return struct.pack("<BBHIIII", 1, 0, 0x8004, 20, 0, 0, 20 + len(owner)) + owner + acl


def write_hive(root, path):
    w = Writer()
    sd = security_descriptor()
    # Windows puts the root key first (offset 0x20) and its security cell right after it.
    root_size = (4 + 76 + len(root.name) + 7) // 8 * 8
    sk_off = 32 + root_size
    count = [0]
    sk_written = [False]

    def emit(key, parent_off, is_root):
        count[0] += 1
        name = key.name.encode("ascii")
        nk = struct.pack("<2sHQIIIIIIIIIIIIIIIHH", b"nk", 0x2C if is_root else 0x20, key.last_written, 0, parent_off,
                         0, 0, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0xFFFFFFFF, sk_off, 0xFFFFFFFF, 0, 0, 0, 0, 0, len(name), 0) + name
        off = w.alloc(nk)
        if is_root:
            assert off == 32
            got = w.alloc(struct.pack("<2sHIIII", b"sk", 0, sk_off, sk_off, 0, len(sd)) + sd)
            assert got == sk_off
        # values
        if key.values:
            voffs = []
            for vname, vtype, data in key.values:
                vn = vname.encode("ascii")
                if len(data) <= 4:
                    doff, dsize = struct.unpack("<I", data.ljust(4, b"\0"))[0], len(data) | 0x80000000
                else:
                    doff, dsize = w.alloc(data), len(data)
                voffs.append(w.alloc(struct.pack("<2sHIIIHH", b"vk", len(vn), dsize, doff, vtype, 1, 0) + vn))
            vlist = w.alloc(b"".join(struct.pack("<I", v) for v in voffs))
            w.patch(off, 36, "<II", len(voffs), vlist)
        children = sorted(key.children.values(), key=lambda k: k.name.upper())
        if children:
            offs = [emit(c, off, False) for c in children]
            lh = struct.pack("<2sH", b"lh", len(offs)) + b"".join(struct.pack("<II", o, lh_hash(c.name)) for o, c in zip(offs, children))
            lh_off = w.alloc(lh)
            w.patch(off, 20, "<I", len(offs))
            w.patch(off, 28, "<I", lh_off)
            w.patch(off, 52, "<I", max(len(c.name) * 2 for c in children))
        return off

    root_off = emit(root, 0, True)
    w.patch(sk_off, 4, "<III", sk_off, sk_off, count[0])
    w.finish_bin()
    data_size = sum(len(b) for b in w.bins)
    base = bytearray(4096)
    struct.pack_into("<4sIIQIIIIiII", base, 0, b"regf", 1, 1, FILETIME, 1, 5, 0, 1, root_off, data_size, 1)
    fname = "SOFTWARE".encode("utf-16-le")
    base[48:48 + len(fname)] = fname
    c = 0
    for i in range(127):
        c ^= struct.unpack_from("<I", base, i * 4)[0]
    struct.pack_into("<I", base, 508, {0: 1, 0xFFFFFFFF: 0xFFFFFFFE}.get(c, c))
    with open(path, "wb") as f:
        f.write(base)
        for b in w.bins:
            f.write(b)
    return count[0]
