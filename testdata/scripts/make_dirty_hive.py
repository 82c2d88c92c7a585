#!/usr/bin/env python3
"""Writes testdata/trees/dirty: a Windows root whose SOFTWARE hive is dirty, with a
SOFTWARE.LOG1 holding the last writes, as a machine leaves it when it loses power before the
registry is flushed. The logged writes are an attacker's:

  \\Updater   Tree key's SD value deleted (Tarrask), Index left at 3; its XML file stays.
  \\Staging   Tree, Tasks\\{GUID} and Plain bucket keys deleted; no XML file.

So the primary file alone still holds both tasks whole, and only the log says what happened.
The log is a new-format log (one HvLE entry, sequence number = the hive's secondary sequence
number) whose dirty pages are the 4 KiB pages that differ between the hive before and after the
deletions; both Marvin32 hashes are computed here.

Needs: python3, hivexregedit (libwin-hivex-perl). Deterministic.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_scenarios import (  # noqa: E402
    SYSTEM, TC, actions_blob, dynamic_info, ft, nk_cells, reg_hex, reg_sz, sd_blob, triggers_blob,
    utf16, xml_task, LOGON,
)

ROOT = os.path.join(HERE, "..", "trees", "dirty")
CONFIG = os.path.join(ROOT, "Windows", "System32", "config")
TASKS = os.path.join(ROOT, "Windows", "System32", "Tasks")
T_REG = 1696150800  # 2023-10-01T09:00:00Z
# LastWrite times, by key name: before the logged writes, and after them.
BEFORE = ft(1696150800, 1111111)  # 2023-10-01T09:00:00.1111111Z
AFTER = ft(1696240800, 2222222)   # 2023-10-02T10:00:00.2222222Z
SEQ = 5  # the hive's secondary sequence number (last completed write)
UPDATER = "{1E2D3C4B-AAAA-4BBB-8CCC-0123456789AB}"
STAGING = "{5F6E7D8C-DDDD-4EEE-9FFF-0123456789CD}"


# ------------------------------------------------------------------ Marvin32 (.NET's string hash)

def _rotl(x, n):
    return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF


def _mix(s0, s1):
    s1 ^= s0
    s0 = _rotl(s0, 20)
    s0 = (s0 + s1) & 0xFFFFFFFF
    s1 = _rotl(s1, 9)
    s1 ^= s0
    s0 = _rotl(s0, 27)
    s0 = (s0 + s1) & 0xFFFFFFFF
    s1 = _rotl(s1, 19)
    return s0, s1


def marvin32(seed, data):
    s0, s1 = seed & 0xFFFFFFFF, seed >> 32
    full = len(data) // 4 * 4
    for i in range(0, full, 4):
        s0 = (s0 + struct.unpack_from("<I", data, i)[0]) & 0xFFFFFFFF
        s0, s1 = _mix(s0, s1)
    rest = data[full:]
    final = 0x80 << (8 * len(rest))
    for i, b in enumerate(rest):
        final |= b << (8 * i)
    s0 = (s0 + (final & 0xFFFFFFFF)) & 0xFFFFFFFF
    s0, s1 = _mix(s0, s1)
    s0, s1 = _mix(s0, s1)
    return s0 | (s1 << 32)


# Published test vectors of the algorithm (.NET's MarvinTests), checked before use.
assert marvin32(0x004FB61A001BDBCC, b"") == 0x30ED35C100CD3C7D
assert marvin32(0x004FB61A001BDBCC, bytes([0xAF])) == 0x48E73FC77D75DDC1
assert marvin32(0x004FB61A001BDBCC, bytes([0xE7, 0x0F])) == 0xB5F6E1FC485DBFF8
LOG_SEED = 0x82EF4D887A4E55C5


# ------------------------------------------------------------------ hive helpers

def base_block_checksum(block):
    x = 0
    for i in range(0, 508, 4):
        x ^= struct.unpack_from("<I", block, i)[0]
    if x == 0:
        x = 1
    elif x == 0xFFFFFFFF:
        x = 0xFFFFFFFE
    return x


def set_sequence(data, primary, secondary):
    struct.pack_into("<II", data, 4, primary, secondary)
    struct.pack_into("<I", data, 508, base_block_checksum(data))


def set_times(data, when, changed=()):
    """Every key's LastWrite to `when`, but `changed` keys (by name) to AFTER."""
    for cell, name, _alloc in nk_cells(data):
        struct.pack_into("<Q", data, cell + 8, AFTER if name in changed else when)


def log_entry(before, after, seq):
    """One HvLE entry carrying every 4 KiB page of hive bins data that differs."""
    bins = struct.unpack_from("<I", after, 40)[0]
    pages = []
    for off in range(0, bins, 4096):
        old = before[4096 + off:4096 + off + 4096]
        new = after[4096 + off:4096 + off + 4096]
        if old != new:
            pages.append((off, new))
    body = b"".join(struct.pack("<II", off, len(p)) for off, p in pages) + b"".join(p for _, p in pages)
    size = 40 + len(body)
    size += -size % 512
    entry = bytearray(size)
    struct.pack_into("<4sIIIII", entry, 0, b"HvLE", size, 0, seq, bins, len(pages))
    entry[40:40 + len(body)] = body
    struct.pack_into("<Q", entry, 24, marvin32(LOG_SEED, bytes(entry[40:])))
    struct.pack_into("<Q", entry, 32, marvin32(LOG_SEED, bytes(entry[:32])))
    return bytes(entry), [off for off, _ in pages]


def merge(hive, text, tmp, name):
    reg = os.path.join(tmp, name)
    with open(reg, "w") as f:
        f.write("Windows Registry Editor Version 5.00\n\n" + text)
    subprocess.run(["hivexregedit", "--merge", "--prefix", r"HKEY_LOCAL_MACHINE\SOFTWARE", hive, reg],
                   check=True)


def main():
    if os.path.exists(ROOT):
        shutil.rmtree(ROOT)
    os.makedirs(CONFIG)
    os.makedirs(TASKS)
    exe_u = r"C:\ProgramData\Updater\updater.exe"
    exe_s = r"C:\Users\Public\stage.exe"
    with open(os.path.join(TASKS, "Updater"), "wb") as f:
        f.write(utf16(xml_task(r"\Updater", "Author", SYSTEM, [("exec", exe_u, "--quiet", "")], LOGON)))
    keys = [
        (TC + r"\Tree", ['"SD"=' + reg_hex(sd_blob())]),
        (TC + r"\Tree\Updater", [f'"Id"={reg_sz(UPDATER)}', '"Index"=dword:00000003', '"SD"=' + reg_hex(sd_blob())]),
        (TC + r"\Tree\Staging", [f'"Id"={reg_sz(STAGING)}', '"Index"=dword:00000003', '"SD"=' + reg_hex(sd_blob())]),
        (TC + r"\Plain", []),
        (TC + r"\Plain" + "\\" + UPDATER, []),
        (TC + r"\Plain" + "\\" + STAGING, []),
        (TC + r"\Tasks", []),
    ]
    for guid, name, exe, args in ((UPDATER, r"\Updater", exe_u, "--quiet"), (STAGING, r"\Staging", exe_s, "-c beacon")):
        keys.append((TC + r"\Tasks" + "\\" + guid, [
            f'"Path"={reg_sz(name)}', f'"URI"={reg_sz(name)}', '"Schema"=dword:00010002',
            '"Actions"=' + reg_hex(actions_blob("Author", [("exec", exe, args, "")])),
            '"Triggers"=' + reg_hex(triggers_blob("Author", SYSTEM, "", [("logon", ft(T_REG), SYSTEM, "SYSTEM")], 0)),
            '"DynamicInfo"=' + reg_hex(dynamic_info(ft(T_REG))),
        ]))
    ordered = {}
    for k, vals in keys:  # every ancestor first (hivex creates one level at a time)
        parts = k.split("\\")
        for i in range(3, len(parts)):
            ordered.setdefault("\\".join(parts[:i]), [])
        ordered.setdefault(k, []).extend(vals)
    text = "".join(f"[{k}]\n" + "".join(v + "\n" for v in vals) + "\n" for k, vals in ordered.items())
    deletions = (f"[{TC}\\Tree\\Updater]\n\"SD\"=-\n\n"
                 f"[-{TC}\\Tree\\Staging]\n\n[-{TC}\\Tasks\\{STAGING}]\n\n[-{TC}\\Plain\\{STAGING}]\n\n")
    hive = os.path.join(CONFIG, "SOFTWARE")
    with tempfile.TemporaryDirectory() as tmp:
        work = os.path.join(tmp, "SOFTWARE")
        subprocess.run([sys.executable, os.path.join(HERE, "empty_hive.py"), work], check=True)
        merge(work, text, tmp, "a.reg")
        with open(work, "rb") as f:
            before = bytearray(f.read())
        merge(work, deletions, tmp, "d.reg")
        with open(work, "rb") as f:
            after = bytearray(f.read())
    # hivex may add a bin for the deletions: the log entry then carries the larger hive bins
    # data size and the new pages, as Windows does when a hive grows.
    set_times(before, BEFORE)
    # Written by the deletions: the Updater key (its SD) and the parents of deleted keys.
    set_times(after, BEFORE, changed={"Updater", "Tree", "Tasks", "Plain"})
    # The primary file as the crash left it: the old content, a write begun (primary sequence
    # number one ahead of the secondary) and never finished.
    set_sequence(before, SEQ + 1, SEQ)
    set_sequence(after, SEQ + 1, SEQ + 1)
    entry, pages = log_entry(before, after, SEQ)
    log = bytearray(after[:512])
    struct.pack_into("<I", log, 28, 6)  # file type: transaction log (new format)
    set_sequence(log, SEQ + 1, SEQ + 1)
    with open(hive, "wb") as f:
        f.write(before)
    with open(hive + ".LOG1", "wb") as f:
        f.write(bytes(log) + entry)
    print(f"{hive}: {len(before)} bytes; LOG1 entry {SEQ}: pages {pages}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
