#!/usr/bin/env python3
"""Writes testdata/trees/zoned: two roots whose zone-less clock readings must be turned into UTC
with the machine's own time zone.

  win/    SYSTEM hive: Select\\Current = 1, ControlSet001\\Control\\TimeZoneInformation for US
          Eastern (Bias 300, DaylightBias -60, daylight from the 2nd Sunday of March 02:00 to the
          1st Sunday of November 02:00); task \\Nightly registered 2023-07-04T09:30:00 (summer:
          13:30Z) with a TimeTrigger starting 2023-01-15T08:00:00 (winter: 13:00Z).
          SOFTWARE hive: Time Zones\\Eastern Standard Time\\Dynamic DST with the 2006 rule
          (daylight until the last Sunday of October) and the 2007 one; task \\Legacy registered
          2006-10-30T12:00:00, standard time under 2006's rule (17:00Z), not daylight time as
          today's rule would say (16:00Z).
  linux/  etc/localtime -> ../usr/share/zoneinfo/Europe/Berlin (a relative link, the TZif file
          copied from this machine's tzdata); bob's crontab installed on Tue Jul  4 09:30:00 2023
          (CEST: 07:30Z).

Needs: python3, hivexregedit (libwin-hivex-perl), tzdata. Deterministic.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_scenarios import SYSTEM, utf16, xml_task  # noqa: E402

ROOT = os.path.join(HERE, "..", "trees", "zoned")


def systemtime_rule(month, weekday, occurrence, hour):
    return struct.pack("<8H", 0, month, weekday, occurrence, hour, 0, 0, 0)


def reg_hex(b):
    return "hex:" + ",".join(f"{x:02x}" for x in b)


def dword(v):
    return f"dword:{v & 0xFFFFFFFF:08x}"


def new_hive(path, root, reg):
    """An empty hive at `path` with the .reg text `reg` (keys under HKLM\\<root>) merged in."""
    subprocess.run([sys.executable, os.path.join(HERE, "empty_hive.py"), path], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        text = os.path.join(tmp, "merge.reg")
        with open(text, "w") as f:
            f.write(reg)
        subprocess.run(["hivexregedit", "--merge", "--prefix", "HKEY_LOCAL_MACHINE\\" + root, path, text],
                       check=True)


def main():
    if os.path.exists(ROOT):
        shutil.rmtree(ROOT)
    # Windows root.
    config = os.path.join(ROOT, "win", "Windows", "System32", "config")
    tasks = os.path.join(ROOT, "win", "Windows", "System32", "Tasks")
    os.makedirs(config)
    os.makedirs(tasks)
    trigger = ("<TimeTrigger><StartBoundary>2023-01-15T08:00:00</StartBoundary>"
               "<Enabled>true</Enabled></TimeTrigger>")
    with open(os.path.join(tasks, "Nightly"), "wb") as f:
        f.write(utf16(xml_task(r"\Nightly", "Author", SYSTEM,
                               [("exec", r"C:\Tools\nightly.exe", "", "")], trigger,
                               date="2023-07-04T09:30:00")))
    with open(os.path.join(tasks, "Legacy"), "wb") as f:
        f.write(utf16(xml_task(r"\Legacy", "Author", SYSTEM,
                               [("exec", r"C:\Tools\legacy.exe", "", "")], "",
                               date="2006-10-30T12:00:00")))
    tz = r"HKEY_LOCAL_MACHINE\SYSTEM\ControlSet001\Control\TimeZoneInformation"
    reg = ("Windows Registry Editor Version 5.00\n\n"
           "[HKEY_LOCAL_MACHINE\\SYSTEM\\Select]\n\"Current\"=dword:00000001\n\n"
           "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001]\n\n"
           "[HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Control]\n\n"
           f"[{tz}]\n"
           f"\"Bias\"={dword(300)}\n\"StandardBias\"={dword(0)}\n\"DaylightBias\"={dword(-60)}\n"
           f"\"StandardStart\"={reg_hex(systemtime_rule(11, 0, 1, 2))}\n"
           f"\"DaylightStart\"={reg_hex(systemtime_rule(3, 0, 2, 2))}\n"
           "\"TimeZoneKeyName\"=\"Eastern Standard Time\"\n"
           "\"StandardName\"=\"@tzres.dll,-112\"\n\n")
    new_hive(os.path.join(config, "SYSTEM"), "SYSTEM", reg)
    zones = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Time Zones"

    def tzi(std, dst):
        return struct.pack("<iii", 300, 0, -60) + std + dst

    dyn = zones + r"\Eastern Standard Time\Dynamic DST"
    parts = zones.split("\\")
    sw = "Windows Registry Editor Version 5.00\n\n"
    for i in range(3, len(parts) + 1):
        sw += "[" + "\\".join(parts[:i]) + "]\n\n"
    sw += (f"[{zones}\\Eastern Standard Time]\n"
           f"\"TZI\"={reg_hex(tzi(systemtime_rule(11, 0, 1, 2), systemtime_rule(3, 0, 2, 2)))}\n\n"
           f"[{dyn}]\n\"FirstEntry\"={dword(2006)}\n\"LastEntry\"={dword(2007)}\n"
           f"\"2006\"={reg_hex(tzi(systemtime_rule(10, 0, 5, 2), systemtime_rule(4, 0, 1, 2)))}\n"
           f"\"2007\"={reg_hex(tzi(systemtime_rule(11, 0, 1, 2), systemtime_rule(3, 0, 2, 2)))}\n\n")
    new_hive(os.path.join(config, "SOFTWARE"), "SOFTWARE", sw)
    # Linux root.
    linux = os.path.join(ROOT, "linux")
    zoneinfo = os.path.join(linux, "usr", "share", "zoneinfo", "Europe")
    os.makedirs(zoneinfo)
    os.makedirs(os.path.join(linux, "etc"))
    os.makedirs(os.path.join(linux, "var", "spool", "cron", "crontabs"))
    shutil.copyfile("/usr/share/zoneinfo/Europe/Berlin", os.path.join(zoneinfo, "Berlin"))
    os.symlink("../usr/share/zoneinfo/Europe/Berlin", os.path.join(linux, "etc", "localtime"))
    with open(os.path.join(linux, "etc", "crontab"), "w") as f:
        f.write("SHELL=/bin/sh\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n")
    with open(os.path.join(linux, "var", "spool", "cron", "crontabs", "bob"), "w") as f:
        f.write("# DO NOT EDIT THIS FILE - edit the master and reinstall.\n"
                "# (/tmp/crontab.Qw3rTy/crontab installed on Tue Jul  4 09:30:00 2023)\n"
                "# (Cron version -- $Id: crontab.c,v 2.13 1994/01/17 03:20:37 vixie Exp $)\n"
                "30 2 * * * /home/bob/backup.sh\n")
    print(f"{ROOT}: written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
