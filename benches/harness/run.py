#!/usr/bin/env python3
"""Runs tasktrail and its peers (dissect.target, plaso) on the benchmark evidence built by
build.sh and writes docs/benchmarks.md: median wall time, peak RSS and bytes read.

Usage: run.py [--runs N] [--peer-runs N] [--batch-runs N] [--no-peers] [--reuse-peers]
              [--plaso-max-gib G] [--plaso-timeout SECS]

Bytes read are the process's rchar (/proc/<pid>/io, read once it has exited and before it is
reaped); peak RSS is GNU time's report (see measure()). tasktrail's own count of bytes read from the evidence (--stats) is
reported beside it.
"""
import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
WORK = os.environ.get("BENCH_WORK", os.path.join(ROOT, "bench-work"))
BIN = os.path.join(ROOT, "target", "release", "tasktrail")


def measure(cmd, stdout=subprocess.DEVNULL, timeout=None, ok=(0,), rss=True):
    """(seconds, peak RSS KiB, bytes read) of one run; with a timeout the process is killed
    once it has run that long, and the caller sees seconds >= timeout. A command that fails
    (non-zero exit, not killed by the timeout) is an error: a failed peer must never be
    reported as a fast one.

    No polling: the exit is awaited without reaping (waitid WNOWAIT), so the wall time is exact
    and the process's final rchar can still be read from /proc before wait4 reaps it.

    The command runs under GNU time when it is installed: a process started straight from
    Python inherits Python's own peak RSS in ru_maxrss (Linux keeps the larger of the old and
    new peak across exec), which would hide a small tool's real peak. time's child starts from
    time's small image; its peak comes from time's report, and its rchar is added to time's
    own when time reaps it. With rss=False (timing only) the command runs directly."""
    rss_file = None
    if rss and os.path.exists("/usr/bin/time"):
        rss_file = os.path.join(WORK, f".rss-{os.getpid()}")
        cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_file] + list(cmd)
    t0 = time.perf_counter()
    # Its own process group, so that a timeout kills the tool and not only GNU time.
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                         start_new_session=True)
    killer = threading.Timer(timeout, lambda: os.killpg(p.pid, signal.SIGKILL)) if timeout else None
    if killer:
        killer.start()
    os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOWAIT)
    elapsed = time.perf_counter() - t0
    if killer:
        killer.cancel()
    rchar = 0
    try:
        with open(f"/proc/{p.pid}/io") as f:
            for line in f:
                if line.startswith("rchar:"):
                    rchar = int(line.split()[1])
    except OSError:
        pass
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    rss = ru.ru_maxrss
    if rss_file:
        try:
            with open(rss_file) as f:
                # "Command exited with non-zero status N" may come first; the number is last.
                rss = int(f.read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
        try:
            os.remove(rss_file)
        except OSError:
            pass
    if timeout and elapsed >= timeout:
        return elapsed, rss, rchar
    code = p.returncode
    if code not in ok:
        raise SystemExit(f"{' '.join(cmd)}: exit {code}")
    return elapsed, rss, rchar


def median_run(cmd, runs):
    # tasktrail exits 1 when it reports problems (the small-image set holds damaged files).
    res = [measure(cmd, ok=(0, 1)) for _ in range(runs)]
    return statistics.median(r[0] for r in res), statistics.median(r[1] for r in res), statistics.median(r[2] for r in res)


def tasktrail_bytes(img):
    out = subprocess.run([BIN, "scan", img, "--format", "jsonl", "-q"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        v = json.loads(line)
        if v.get("scope") == "evidence":
            return v["stats"]["bytes_read"], v["stats"]["file_bytes"], v["records"]
    return 0, 0, 0


def plaso(img, tmp, timeout):
    """plaso's (seconds, RSS, bytes, stopped): stopped is true when log2timeline was killed at
    the timeout, so the time is a lower bound."""
    store = os.path.join(tmp, "bench.plaso")
    out_csv = os.path.join(tmp, "bench.csv")
    # Both tools refuse to overwrite what an earlier run left (psort exits 1).
    for old in (store, out_csv):
        if os.path.exists(old):
            os.remove(old)
    t1, r1, b1 = measure(["log2timeline", "--unattended", "--quiet", "--status_view", "none",
                          "--parsers", "winjob,winreg/windows_task_cache,winevtx",
                          "--logfile", os.path.join(tmp, "log2timeline.log.gz"), "--storage_file", store, img],
                          timeout=timeout)
    if t1 >= timeout:
        return t1, r1, b1, True
    t2, r2, b2 = measure(["psort", "--logfile", os.path.join(tmp, "psort.log.gz"), "--unattended", "--quiet", "--status_view", "none", "-o", "dynamic",
                          "-w", out_csv, store])
    return t1 + t2, max(r1, r2), b1 + b2, False


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, {platform.system()} {platform.release()}"


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60).stdout.strip().splitlines()[0]
    except Exception:
        return "not installed"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--peer-runs", type=int, default=1)
    ap.add_argument("--batch-runs", type=int, default=21, help="runs of each --jobs setting on the 100 small images")
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--reuse-peers", action="store_true", help="keep the peers' numbers of the last run")
    ap.add_argument("--plaso-max-gib", type=float, default=4.0)
    ap.add_argument("--plaso-timeout", type=float, default=1800.0, help="stop log2timeline after this many seconds")
    ap.add_argument("--out", default=os.path.join(ROOT, "docs", "benchmarks.md"))
    a = ap.parse_args()
    peers_file = os.path.join(WORK, "peers.json")
    peers = json.load(open(peers_file)) if a.reuse_peers and os.path.exists(peers_file) else {}
    images = [
        ("win-2g", "win-2g.img", ["-f", "tasks"]),
        ("win-64g", "win-64g.img", ["-f", "tasks"]),
        ("debian", "debian.img", ["-f", "cronjobs,services"]),
    ]
    rows = []
    for label, name, dq in images:
        img = os.path.join(WORK, name)
        t, rss, rchar = median_run([BIN, "scan", img, "-o", "/dev/null", "-q"], a.runs)
        ev_bytes, art_bytes, records = tasktrail_bytes(img)
        row = {"image": label, "size": os.path.getsize(img), "tt": (t, rss, rchar), "tt_bytes": ev_bytes,
               "artifacts": art_bytes, "records": records}
        if not a.no_peers and not a.reuse_peers:
            peers.setdefault(label, {})
            runs = [measure(["target-query", "-q", "-j", *dq, img]) for _ in range(a.peer_runs)]
            peers[label]["dissect"] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs), max(r[2] for r in runs))
            if label.startswith("win") and os.path.getsize(img) <= a.plaso_max_gib * 2**30:
                peers[label]["plaso"] = plaso(img, WORK, a.plaso_timeout)
        row.update(peers.get(label, {}))
        rows.append(row)
        print(label, row, file=sys.stderr)
    json.dump(peers, open(peers_file, "w"))
    small = os.path.join(WORK, "small.txt")
    # Alternated runs, so that a slow spell of the machine weighs on both sides alike.
    batch = {1: [], 2: []}
    for _ in range(a.batch_runs):
        for jobs in (1, 2):
            cmd = [BIN, "scan", "--from-file", small, "-o", "/dev/null", "-q", "--jobs", str(jobs)]
            batch[jobs].append(measure(cmd, ok=(0, 1), rss=False)[0])
    j1, j2 = statistics.median(batch[1]), statistics.median(batch[2])

    def fmt(v, base=None):
        if not v:
            return "not run"
        t, rss, rchar = v[:3]
        stopped = len(v) > 3 and v[3]
        s = f"{t:.3f} s, {rss / 1024:.1f} MiB, {rchar / 1e6:.1f} MB read"
        if stopped:
            # Killed with its whole process group: its peak RSS and reads were never reported.
            s = f"> {t:.0f} s (stopped unfinished; RSS and reads not measured)"
        if base:
            s += f" ({'> ' if stopped else ''}{t / base:.0f}x)"
        return s

    lines = [
        "# Benchmarks",
        "",
        "Produced by `just bench` (`benches/harness/build.sh` then `benches/harness/run.py`). Do not edit by hand.",
        "",
        f"- Machine: {machine()}",
        f"- Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        f"- tasktrail: {version([BIN, '--version'])} (release build), median of {a.runs} runs",
        f"- dissect.target: {version(['target-query', '--version'])}, plaso: {version(['log2timeline', '--version'])}; median of {a.peer_runs} run(s)"
        + (" (numbers kept from an earlier run: --reuse-peers)" if a.reuse_peers else ""),
        "- Evidence (built by `build.sh`): `win-2g` a 2 GiB NTFS volume with 100,000 filler files, the real Windows 10 "
        "Tasks tree (202 tasks) and a 36.6 MB SOFTWARE hive with a full TaskCache; `win-64g` the same volume inside a 64 GiB "
        "sparse GPT disk; `debian` a 2 GiB ext4 Debian bookworm (debootstrap) with the cron/at/timer planting of "
        "`testdata/trees/debian`.",
        "- Peers run: `target-query -q -j -f tasks` (Windows) / `-f cronjobs,services` (Debian); plaso "
        "`log2timeline --parsers winjob,winreg/windows_task_cache,winevtx` then `psort -o dynamic` "
        "(only on images up to --plaso-max-gib; the 64 GiB one is skipped; log2timeline is stopped after --plaso-timeout "
        "seconds and its time shown as a lower bound).",
        "- Each cell: median wall time, peak RSS (GNU time's report, so the Python harness's own memory is not "
        "counted), bytes read by the process and its children (rchar); the ratio is the peer's time over tasktrail's.",
        "",
        "| image | tasktrail | dissect.target | plaso | records | tasktrail: evidence bytes read / artifact bytes |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        base = r["tt"][0]
        lines.append(
            f"| {r['image']} ({r['size'] / 2**30:.0f} GiB) | {fmt(r['tt'])} | {fmt(r.get('dissect'), base)} | "
            f"{fmt(r.get('plaso'), base)} | {r['records']} | {r['tt_bytes'] / 1e6:.1f} MB / {r['artifacts'] / 1e6:.1f} MB |"
        )
    lines += [
        "",
        f"100 small images (`bench-work/small.txt`, timeline to /dev/null), median of {a.batch_runs} alternated runs: "
        f"`--jobs 1` {j1:.3f} s, `--jobs 2` {j2:.3f} s = {j1 / j2:.2f}x.",
        "",
    ]
    open(a.out, "w").write("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
