#!/usr/bin/env python3
"""Sets the four $STANDARD_INFORMATION times of files on a mounted ntfs-3g volume through the
`system.ntfs_times` extended attribute (creation, modification, access, MFT change; 100 ns
FILETIMEs, little-endian), so the images carry exact, reviewed timestamps.

Usage: set_ntfs_times.py MOUNTPOINT   (run as root on an ntfs-3g mount)
"""
import os
import struct
import sys
from datetime import datetime, timezone

EPOCH_DIFF = 11644473600  # seconds between 1601-01-01 and 1970-01-01


def filetime(iso, hundred_ns=0):
    dt = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
    return (int(dt.timestamp()) + EPOCH_DIFF) * 10_000_000 + hundred_ns


# path below the mount -> (created, modified, accessed, mft-changed), each (iso, 100ns units)
TIMES = {
    "Windows/System32/Tasks/Microsoft/Windows/Defrag/ScheduledDefrag":
        (("2019-12-07T09:14:26", 1234567), ("2019-12-07T09:14:26", 1234567),
         ("2023-06-10T08:00:00", 1), ("2019-12-07T09:14:26", 1234567)),
    # Timestomped: $SI says 2019 while the task was registered in 2023.
    "Windows/System32/Tasks/Updater":
        (("2019-12-07T09:14:26", 0), ("2023-06-01T10:15:31", 9876543),
         ("2023-06-01T10:15:31", 9876543), ("2023-06-01T10:15:31", 9876544)),
    "Windows/System32/Tasks/Microsoft/Windows/Maps/MapsToastTask":
        (("2014-11-05T00:00:00", 0), ("2014-11-05T00:00:00", 0),
         ("2014-11-05T00:00:00", 0), ("2014-11-05T00:00:00", 0)),
    "Windows/System32/Tasks/Tools/Event Watcher":
        (("2022-01-02T03:04:06", 5000000), ("2022-01-02T03:04:06", 5000000),
         ("2022-01-02T03:04:06", 5000000), ("2022-01-02T03:04:06", 5000000)),
    "Windows/System32/Tasks/Legacy/Mailer":
        (("2020-02-29T23:59:59", 9999999), ("2020-03-01T00:00:00", 0),
         ("2020-03-01T00:00:00", 0), ("2020-03-01T00:00:00", 0)),
    "Windows/System32/Tasks/Claims UTF-16":
        (("2021-07-08T09:10:11", 5000000), ("2021-07-08T09:10:11", 5000000),
         ("2021-07-08T09:10:12", 0), ("2021-07-08T09:10:12", 0)),
    "Windows/System32/Tasks/Broken":
        (("2023-06-01T10:20:00", 0), ("2023-06-01T10:20:00", 0),
         ("2023-06-01T10:20:00", 0), ("2023-06-01T10:20:00", 0)),
}


def main(mount):
    for rel, times in TIMES.items():
        raw = struct.pack("<4Q", *(filetime(iso, ns) for iso, ns in times))
        os.setxattr(os.path.join(mount, rel), "system.ntfs_times", raw)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
