#!/usr/bin/env python3
"""Writes a GUID partition table with any sector size onto an existing image file (sfdisk and
sgdisk only write 512-byte-sector tables on plain files). Protective MBR, primary header at
LBA 1, 128 entries of 128 bytes, backup entries and header at the end, all CRC32s set.

Usage: write_gpt.py IMAGE SECTOR_SIZE DISK_GUID FIRST_LBA:LAST_LBA:TYPE_GUID:PART_GUID:NAME ...
"""
import struct
import sys
import uuid
import zlib


def guid_bytes(text):
    return uuid.UUID(text).bytes_le


def main(image, sector, disk_guid, *parts):
    sector = int(sector)
    with open(image, "r+b") as f:
        f.seek(0, 2)
        size = f.tell()
        last_lba = size // sector - 1
        entries = bytearray(128 * 128)
        for i, spec in enumerate(parts):
            first, last, ptype, pguid, name = spec.split(":", 4)
            e = guid_bytes(ptype) + guid_bytes(pguid) + struct.pack("<QQQ", int(first), int(last), 0)
            e += name.encode("utf-16-le").ljust(72, b"\0")
            entries[i * 128:(i + 1) * 128] = e
        entries = bytes(entries)
        entry_sectors = (len(entries) + sector - 1) // sector
        first_usable = 2 + entry_sectors
        last_usable = last_lba - 1 - entry_sectors

        def header(current, backup, entries_lba):
            h = struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x00010000, 92, 0, 0,
                            current, backup, first_usable, last_usable,
                            guid_bytes(disk_guid), entries_lba, 128, 128, zlib.crc32(entries))
            h = h[:16] + struct.pack("<I", zlib.crc32(h)) + h[20:]
            return h.ljust(sector, b"\0")

        mbr = bytearray(512)
        mbr[446:462] = struct.pack("<BBBBBBBBII", 0, 0, 2, 0, 0xEE, 0xFF, 0xFF, 0xFF, 1,
                                   min(last_lba, 0xFFFFFFFF))
        mbr[510:512] = b"\x55\xaa"
        f.seek(0)
        f.write(mbr)
        f.seek(sector)
        f.write(header(1, last_lba, 2))
        f.seek(2 * sector)
        f.write(entries)
        f.seek((last_lba - entry_sectors) * sector)
        f.write(entries)
        f.seek(last_lba * sector)
        f.write(header(last_lba, 1, last_lba - entry_sectors))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
