#!/usr/bin/env python3
"""Derives data/stock_tasks_win10.tsv — the stock-task baseline — from the real Windows 10
System32\\Tasks tree in ../shared/corpus (DFIRArtifactMuseum, APTSimulatorVM, commit b81948ca).

Every task under \\Microsoft\\ is stock; the two OneDrive tasks (named with the user's SID) are
kept as wildcard patterns. Third-party tasks (Google, Edge) and the APTSimulator's GameOver are
left out. The command column is built as tasktrail builds it: Exec `Command Arguments`,
ComHandler `com:{CLSID} Data`, several actions joined with ' ; '.

Usage: make_baseline.py [CORPUS_TASKS_DIR] > data/stock_tasks_win10.tsv
"""
import os
import sys
import xml.etree.ElementTree as ET

NS = "{http://schemas.microsoft.com/windows/2004/02/mit/task}"


def command(path):
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-16") if data[:2] in (b"\xff\xfe", b"\xfe\xff") else data.decode("utf-8")
    text = text.split("?>", 1)[1] if text.lstrip().startswith("<?xml") else text
    root = ET.fromstring(text)
    parts = []
    acts = root.find(NS + "Actions")
    for a in list(acts) if acts is not None else []:
        tag = a.tag.replace(NS, "")
        t = lambda n: ((a.find(NS + n).text or "") if a.find(NS + n) is not None else "").strip()
        if tag == "Exec":
            cmd, args = t("Command"), t("Arguments")
            parts.append(f"{cmd} {args}" if args else cmd)
        elif tag == "ComHandler":
            cls, data = t("ClassId"), t("Data")
            parts.append(f"com:{cls} {data}" if data else f"com:{cls}")
    return " ; ".join(parts)


def main(base):
    rows = []
    for dirpath, _, files in os.walk(base):
        for n in files:
            p = os.path.join(dirpath, n)
            name = "\\" + os.path.relpath(p, base).replace(os.sep, "\\")
            if name.startswith("\\Microsoft\\"):
                rows.append((name, command(p)))
            elif name.startswith("\\OneDrive Standalone Update Task-S-1-5-21-"):
                rows.append(("\\OneDrive Standalone Update Task-S-1-5-21-*", command(p)))
            elif name.startswith("\\OneDrive Reporting Task-S-1-5-21-"):
                rows.append(("\\OneDrive Reporting Task-S-1-5-21-*", command(p)))
    print("# Stock Windows 10 scheduled tasks: name<TAB>command as tasktrail renders it.")
    print("# Derived by testdata/scripts/make_baseline.py from the real System32\\Tasks tree of")
    print("# AndrewRathbun/DFIRArtifactMuseum Windows/ScheduledTasks/Win10/APTSimulatorVM (commit b81948ca, MIT).")
    for name, cmd in sorted(rows):
        print(f"{name}\t{cmd}")
    return 0


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "..", "shared", "corpus", "DFIRArtifactMuseum", "ScheduledTasks", "Win10", "APTSimulatorVM")
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else default))
