#!/usr/bin/env bash
# Builds the benchmark evidence in bench-work/ (git-ignored; several GB sparse, never committed):
#   win-2g.img   2 GiB NTFS: 100,000 filler files, the real Windows 10 Tasks tree from
#                ../shared/corpus, a 36 MB SOFTWARE hive with a full TaskCache (make_software.py)
#   win-64g.img  64 GiB sparse GPT disk: the same NTFS volume as p1, a 62 GiB empty p2
#   debian.img   2 GiB ext4: a debootstrap'ed Debian root plus the cron/at/timer planting of
#                testdata/trees/debian
#   small.txt    100 small images (the testdata images, listed repeatedly) for --jobs scaling
# Needs root, ntfs-3g, gdisk, e2fsprogs, debootstrap, python3. Skips what already exists.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${BENCH_WORK:-$root/bench-work}
corpus=${TASKTRAIL_CORPUS:-$root/../shared/corpus}
tasks="$corpus/DFIRArtifactMuseum/ScheduledTasks/Win10/APTSimulatorVM"
mkdir -p "$work"
tmp=$(mktemp -d)
trap 'mountpoint -q "$tmp/mnt" && umount "$tmp/mnt"; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/mnt"

if [ ! -f "$work/win-2g.img" ]; then
  python3 "$here/make_software.py" "$tasks" "$tmp/SOFTWARE" 32
  truncate -s 2G "$tmp/win.img"
  mkntfs -F -f -q -s 512 -p 0 -H 0 -S 0 -L BENCH "$tmp/win.img"
  ntfs-3g -o big_writes "$tmp/win.img" "$tmp/mnt"
  mkdir -p "$tmp/mnt/Windows/System32/config" "$tmp/mnt/Windows/System32/Tasks"
  cp -r "$tasks/." "$tmp/mnt/Windows/System32/Tasks/"
  cp "$tmp/SOFTWARE" "$tmp/mnt/Windows/System32/config/SOFTWARE"
  # A minimal SYSTEM hive: dissect.target needs one to run its registry-backed plugins.
  python3 "$here/make_system.py" "$tmp/mnt/Windows/System32/config/SYSTEM"
  # 100,000 filler files in 100 folders (a Windows volume's bulk, which a good tool never reads).
  python3 - "$tmp/mnt" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(100):
    p = os.path.join(root, "Windows", "WinSxS", f"pkg{d:03}")
    os.makedirs(p, exist_ok=True)
    for f in range(1000):
        with open(os.path.join(p, f"file{f:04}.dll"), "wb") as h:
            h.write(b"MZ" + bytes(126))
PY
  umount "$tmp/mnt"
  mv "$tmp/win.img" "$work/win-2g.img"
fi

if [ ! -f "$work/win-64g.img" ]; then
  truncate -s 64G "$tmp/disk64.img"
  sgdisk -n 1:2048:+4194304 -t 1:0700 -n 2:0:0 -t 2:0700 "$tmp/disk64.img" >/dev/null
  dd if="$work/win-2g.img" of="$tmp/disk64.img" bs=1M seek=1 conv=notrunc,sparse status=none
  mv "$tmp/disk64.img" "$work/win-64g.img"
fi

if [ ! -f "$work/debian.img" ]; then
  debootstrap --variant=minbase --include=cron,anacron,at bookworm "$tmp/deb" http://deb.debian.org/debian >/dev/null
  # Merged /usr: lib is a link to usr/lib, which tar keeps.
  tar -C "$root/testdata/trees/debian" -cf - . | tar -C "$tmp/deb" --keep-directory-symlink -xf -
  export E2FSPROGS_FAKE_TIME=1700000000
  mkfs.ext4 -q -F -L debian -d "$tmp/deb" "$tmp/debian.img" 2G
  mv "$tmp/debian.img" "$work/debian.img"
fi

: > "$work/small.txt"
for i in $(seq 1 20); do
  for img in gpt-disk.img debian.img rhel.img scenarios.img ntfs.img; do
    echo "$root/testdata/images/$img" >> "$work/small.txt"
  done
done
ls -ls "$work"
