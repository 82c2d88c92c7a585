#!/usr/bin/env python3
"""A minimal SYSTEM hive (Select\\Current, ControlSet001 computer name and time zone) so that
peer tools (dissect.target) accept the benchmark volume as a Windows system.

Usage: make_system.py OUTPUT
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from regf_writer import Key, write_hive  # noqa: E402


def main(out):
    root = Key("ROOT")
    sel = root.key("Select")
    for v in ("Current", "Default", "LastKnownGood"):
        sel.dword(v, 1)
    sel.dword("Failed", 0)
    root.key(r"ControlSet001\Control\ComputerName\ComputerName").sz("ComputerName", "BENCH")
    tz = root.key(r"ControlSet001\Control\TimeZoneInformation")
    tz.sz("TimeZoneKeyName", "UTC")
    tz.sz("StandardName", "Coordinated Universal Time")
    tz.sz("DaylightName", "Coordinated Universal Time")
    for v in ("Bias", "StandardBias", "DaylightBias", "ActiveTimeBias", "DynamicDaylightTimeDisabled"):
        tz.dword(v, 0)
    tz.binary("StandardStart", bytes(16))
    tz.binary("DaylightStart", bytes(16))
    root.key(r"ControlSet001\Services\Tcpip\Parameters").sz("Hostname", "bench")
    env = root.key(r"ControlSet001\Control\Session Manager\Environment")
    env.sz("windir", "%SystemRoot%")
    env.sz("ComSpec", "%SystemRoot%\\system32\\cmd.exe")
    write_hive(root, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
