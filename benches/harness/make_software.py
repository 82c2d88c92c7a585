#!/usr/bin/env python3
"""Builds the benchmark SOFTWARE hive: a full TaskCache (Tree, Tasks, Plain bucket) for every
task of a real Windows 10 Tasks folder, plus filler keys (CLSID registrations, as a real
SOFTWARE hive holds) until the hive is at least MIN_MB megabytes.

Usage: make_software.py TASKS_DIR OUTPUT [MIN_MB]
"""
import hashlib
import os
import sys
import uuid
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "testdata", "scripts"))
from regf_writer import Key, write_hive  # noqa: E402
import make_scenarios as sc  # noqa: E402

NS = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"
TC = r"Microsoft\Windows NT\CurrentVersion\Schedule\TaskCache"


def actions(path):
    data = open(path, "rb").read()
    text = data.decode("utf-16") if data[:2] == b"\xff\xfe" else data.decode("utf-8")
    text = text.split("?>", 1)[1] if text.lstrip().startswith("<?xml") else text
    root = ET.fromstring(text)
    out = []
    ctx = "Author"
    acts = root.find(NS + "Actions")
    if acts is not None:
        ctx = acts.get("Context", "Author")
        for a in acts:
            t = lambda n: ((a.find(NS + n).text or "") if a.find(NS + n) is not None else "").strip()
            if a.tag == NS + "Exec":
                out.append(("exec", t("Command"), t("Arguments"), t("WorkingDirectory")))
            elif a.tag == NS + "ComHandler":
                out.append(("com", t("ClassId").strip("{}"), t("Data")))
    return ctx, out, data


def main(tasks_dir, output, min_mb=32):
    root = Key("ROOT")
    cv = root.key(r"Microsoft\Windows NT\CurrentVersion")
    cv.sz("SystemRoot", "C:\\Windows")
    cv.sz("ProductName", "Windows 10 Pro")
    cv.sz("CurrentBuild", "19045")
    utc = cv.key(r"Time Zones\UTC")
    utc.sz("Display", "(UTC) Coordinated Universal Time")
    utc.sz("Std", "Coordinated Universal Time")
    utc.sz("Dlt", "Coordinated Universal Time")
    utc.binary("TZI", bytes(44))
    tc = root.key(TC)
    for b in ("Boot", "Logon", "Plain", "Maintenance", "Tasks", "Tree"):
        tc.key(b)
    n = 0
    for dirpath, _, files in os.walk(tasks_dir):
        for f in sorted(files):
            p = os.path.join(dirpath, f)
            name = "\\" + os.path.relpath(p, tasks_dir).replace(os.sep, "\\")
            ctx, acts, data = actions(p)
            guid = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, name)).upper() + "}"
            tree = tc.key("Tree" + name)
            tree.sz("Id", guid)
            tree.dword("Index", 3)
            tree.binary("SD", sc.sd_blob())
            t = tc.key("Tasks\\" + guid)
            t.sz("Path", name)
            t.sz("URI", name)
            t.binary("Hash", hashlib.sha256(data[2:]).digest())
            t.binary("Actions", sc.actions_blob(ctx, acts))
            t.binary("Triggers", sc.triggers_blob(ctx, "S-1-5-18", "", [("boot", sc.ft(1600000000))], 0))
            t.binary("DynamicInfo", sc.dynamic_info(sc.ft(1600000000), sc.ft(1650000000), 0, sc.ft(1650000001)))
            tc.key("Plain\\" + guid)
            n += 1
    clsid = root.key(r"Classes\CLSID")
    i = 0
    # ~ 0.5 KB per filler key.
    while i * 520 < min_mb * 1024 * 1024:
        g = "{" + str(uuid.UUID(int=i + 1)).upper() + "}"
        k = clsid.key(g)
        k.sz("", f"Component {i}")
        k.sz("AppID", g)
        k.key("InprocServer32").sz("", f"C:\\Windows\\System32\\component{i % 997}.dll")
        i += 1
    keys = write_hive(root, output)
    print(f"{output}: {n} tasks, {keys} keys, {os.path.getsize(output)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 32))
