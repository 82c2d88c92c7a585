#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seed inputs from testdata (and ../shared/corpus for the
# event logs, linked, never copied into the repository). fuzz/corpus is git-ignored.
set -euo pipefail
cd "$(dirname "$0")"
t=../testdata
c=${TASKTRAIL_CORPUS:-../../shared/corpus}
seed() { mkdir -p "corpus/$1"; shift_target=$1; shift; for f in "$@"; do [ -f "$f" ] && cp -f "$f" "corpus/$shift_target/$(echo "${f#../}" | tr '/ ' '__')"; done; true; }
seed task_xml "$t"/trees/windows/Windows/System32/Tasks/* "$t"/trees/windows/Windows/System32/Tasks/*/*/* "$t"/trees/scenarios/Windows/System32/Tasks/*
seed job_file "$t"/trees/scenarios/Windows/Tasks/*.job
seed gpp_tasks "$t"/trees/scenarios/Windows/SYSVOL/sysvol/corp.local/Policies/*/Machine/Preferences/ScheduledTasks/ScheduledTasks.xml
seed regf "$t"/trees/scenarios/Windows/System32/config/SOFTWARE
# regf_logs: length of the primary file (u32 LE), the primary file, its log.
mkdir -p corpus/regf_logs
python3 - "$t"/trees/dirty/Windows/System32/config/SOFTWARE "$c"/yarp/NewDirtyHive1/NewDirtyHive <<'PY'
import os, struct, sys
for hive in sys.argv[1:]:
    log = hive + ".LOG1"
    if os.path.exists(hive) and os.path.exists(log):
        data = open(hive, "rb").read()
        out = struct.pack("<I", len(data)) + data + open(log, "rb").read()
        open(os.path.join("corpus/regf_logs", os.path.basename(hive) + ".seed"), "wb").write(out)
PY
seed unix_text "$t"/trees/debian/etc/crontab "$t"/trees/debian/etc/anacrontab "$t"/trees/debian/var/spool/cron/crontabs/bob "$t"/trees/debian/var/spool/cron/atjobs/a0001a019b3c2d "$t"/trees/debian/etc/systemd/system/backup.timer
seed launchd_plist "$t"/trees/macos/Library/LaunchDaemons/*.plist "$t"/trees/macos/Users/alice/Library/LaunchAgents/*.plist
seed security_descriptor
python3 - <<'PY'
import os, sys
sys.path.insert(0, "../testdata/scripts")
import make_scenarios as sc
os.makedirs("corpus/security_descriptor", exist_ok=True)
open("corpus/security_descriptor/stock", "wb").write(sc.sd_blob())
os.makedirs("corpus/task_cache", exist_ok=True)
open("corpus/task_cache/actions", "wb").write(sc.actions_blob("Author", [("exec", "cmd.exe", "/c x", "C:\\")]))
open("corpus/task_cache/triggers", "wb").write(sc.triggers_blob("Author", "S-1-5-18", "SYSTEM", [("logon", sc.ft(1600000000), "S-1-5-18", "SYSTEM"), ("weekly", sc.ft(1600000000), 8)], 0))
open("corpus/task_cache/dynamic", "wb").write(sc.dynamic_info(sc.ft(1600000000), sc.ft(1600000001), 0, sc.ft(1600000002)))
PY
mkdir -p corpus/event_log
for f in "$c"/SigmaHQ/*.evtx "$c"/EVTX-ATTACK-SAMPLES/temp_scheduled_task_4698_4699.evtx; do [ -f "$f" ] && ln -sf "$(realpath "$f")" "corpus/event_log/$(basename "$f")"; done
mkdir -p corpus/scan_image
cp -f "$t"/images/ntfs.img "$t"/images/rhel.img corpus/scan_image/ 2>/dev/null || true
ls corpus | while read -r d; do echo "$d: $(ls "corpus/$d" | wc -l) seeds"; done
