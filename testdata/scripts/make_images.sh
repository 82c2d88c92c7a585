#!/usr/bin/env bash
# Builds every test image in testdata/images from the trees in testdata/trees.
# Needs (Debian): ntfs-3g gdisk fdisk e2fsprogs ewf-tools qemu-utils python3, and root for the
# FUSE mount of ntfs-3g. The images are committed; tests never run this script.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
out=images
tmp=$(mktemp -d)
trap 'mountpoint -q "$tmp/mnt" && umount "$tmp/mnt"; rm -rf "$tmp"' EXIT
mkdir -p "$out" "$tmp/mnt"

# scenarios.img: 6 MiB NTFS volume with the hidden-task scenarios (make_scenarios.py).
# `make_images.sh scenarios` rebuilds only this one.
if [ "${1:-all}" != unix ]; then
python3 scripts/make_scenarios.py
# trees/dirty: a dirty SOFTWARE hive whose LOG1 deletes an SD value and a task (folder only).
python3 scripts/make_dirty_hive.py
# trees/zoned: SYSTEM hive time zone, SOFTWARE Dynamic DST and /etc/localtime (folder only).
python3 scripts/make_zoned.py
rm -f "$out/scenarios.img"
truncate -s 6M "$out/scenarios.img"
mkntfs -F -f -q -s 512 -p 0 -H 0 -S 0 -L SCENARIOS "$out/scenarios.img"
ntfs-3g "$out/scenarios.img" "$tmp/mnt"
cp -r trees/scenarios/. "$tmp/mnt/"
umount "$tmp/mnt"
# ntfs-owners.img: 4 MiB NTFS mounted with ntfs-3g's permissions, so files get security ids and
# $Secure descriptors (plain ntfs-3g writes neither): Updater owned by root (Administrators),
# UserTask by uid 1000 (ntfs-3g's default mapping: S-1-5-21-3141592653-589793238-462843383-12000).
rm -f "$out/ntfs-owners.img"
truncate -s 4M "$out/ntfs-owners.img"
mkntfs -F -f -q -s 512 -p 0 -H 0 -S 0 -L OWNERS "$out/ntfs-owners.img"
ntfs-3g -o permissions "$out/ntfs-owners.img" "$tmp/mnt"
mkdir -p "$tmp/mnt/Windows/System32/Tasks"
cp trees/dirty/Windows/System32/Tasks/Updater "$tmp/mnt/Windows/System32/Tasks/Updater"
cp trees/dirty/Windows/System32/Tasks/Updater "$tmp/mnt/Windows/System32/Tasks/UserTask"
chown 1000:1000 "$tmp/mnt/Windows/System32/Tasks/UserTask"
umount "$tmp/mnt"
fi
# debian.img (ext4) and rhel.img (ext2): the Unix scheduler trees of make_unix.py with owners
# and modes applied (git keeps neither) and fixed times. `make_images.sh unix` rebuilds them.
if [ "${1:-all}" = unix ] || [ "${1:-all}" = all ]; then
  python3 scripts/make_unix.py
  for t in debian rhel; do
    rm -rf "$tmp/$t"
    cp -a "trees/$t" "$tmp/$t"
    python3 - "$tmp/$t" "$t" <<'PY'
import os, sys
sys.path.insert(0, "scripts")
from make_unix import OWNERS
root, name = sys.argv[1], sys.argv[2]
for dirpath, dirs, files in os.walk(root):
    for n in dirs + files:
        p = os.path.join(dirpath, n)
        if not os.path.islink(p):
            os.chown(p, 0, 0)
for rel, (uid, gid, mode) in OWNERS[name].items():
    p = os.path.join(root, rel)
    os.chown(p, uid, gid)
    os.chmod(p, mode)
PY
    find "$tmp/$t" -exec touch -h -d @1700000000 {} +
  done
  touch -d @1699930800 "$tmp/debian/var/lib/systemd/timers/stamp-backup.timer"
  touch -d @1699990200 "$tmp/debian/home/bob/.local/share/systemd/timers/stamp-sync.timer"
  rm -f "$out/debian.img" "$out/rhel.img"
  mkfs.ext4 -q -F -L debian -U 6f1c1e6a-8a6e-4d7e-9d7e-2f9a1f0b5c12 -d "$tmp/debian" "$out/debian.img" 4M
  mkfs.ext2 -q -F -L rhel -U 6f1c1e6a-8a6e-4d7e-9d7e-2f9a1f0b5c13 -d "$tmp/rhel" "$out/rhel.img" 2M
  if [ "${1:-all}" = unix ]; then ls -l "$out/debian.img" "$out/rhel.img"; exit 0; fi
fi
if [ "${1:-all}" = scenarios ]; then
  ls -l "$out/scenarios.img"
  exit 0
fi

python3 scripts/make_tree.py

# ext4 volume (4 MiB) with a Debian-like root; every time fixed at 2023-11-14T22:13:20Z.
export E2FSPROGS_FAKE_TIME=1700000000
cp -a trees/linux "$tmp/linux"
chmod 600 "$tmp/linux/var/spool/cron/crontabs/root"
find "$tmp/linux" -exec touch -h -d @1700000000 {} +
rm -f "$out/ext4.img"
mkfs.ext4 -q -F -L debian-root -U 6f1c1e6a-8a6e-4d7e-9d7e-2f9a1f0b5c11 -E root_owner=0:0 \
  -d "$tmp/linux" "$out/ext4.img" 4M

# NTFS volume (6 MiB) with the Windows tree and reviewed $SI times.
rm -f "$out/ntfs.img"
truncate -s 6M "$out/ntfs.img"
mkntfs -F -f -q -s 512 -p 0 -H 0 -S 0 -L WINDOWS "$out/ntfs.img"
ntfs-3g "$out/ntfs.img" "$tmp/mnt"
cp -r trees/windows/. "$tmp/mnt/"
python3 scripts/set_ntfs_times.py "$tmp/mnt"
# Image only: an NTFS-compressed task file (folder flagged FILE_ATTRIBUTE_COMPRESSED, so ntfs-3g
# writes LZNT1 data); readers must report it, never parse it as plain bytes.
mkdir "$tmp/mnt/Windows/System32/Tasks/Compressed"
setfattr -h -v 0x00000810 -n system.ntfs_attrib_be "$tmp/mnt/Windows/System32/Tasks/Compressed"
{ cat trees/windows/Windows/System32/Tasks/Legacy/Mailer; for i in $(seq 1 400); do echo "<!-- padding line $i -->"; done; } \
  > "$tmp/mnt/Windows/System32/Tasks/Compressed/Packed"
umount "$tmp/mnt"

ntfs_sectors=$(( $(stat -c %s "$out/ntfs.img") / 512 ))
ext_sectors=$(( $(stat -c %s "$out/ext4.img") / 512 ))

# GPT disk, 512-byte sectors: p1 NTFS, p2 ext4, p3 never formatted.
rm -f "$out/gpt-disk.img"
truncate -s 13M "$out/gpt-disk.img"
sgdisk -U 0B7C1E2D-3F4A-4B5C-8D6E-7F8091A2B3C4 \
  -n 1:2048:+${ntfs_sectors} -t 1:0700 -c 1:"Basic data partition" -u 1:11111111-2222-3333-4444-555555555555 \
  -n 2:0:+${ext_sectors} -t 2:8300 -c 2:"linux root" -u 2:66666666-7777-8888-9999-AAAAAAAAAAAA \
  -n 3:0:+1M -t 3:8300 -c 3:"spare" -u 3:BBBBBBBB-CCCC-DDDD-EEEE-FFFFFFFFFFFF \
  "$out/gpt-disk.img" >/dev/null
p2=$(sgdisk -i 2 "$out/gpt-disk.img" | awk '/First sector/ {print $3}')
dd if="$out/ntfs.img" of="$out/gpt-disk.img" bs=512 seek=2048 conv=notrunc status=none
dd if="$out/ext4.img" of="$out/gpt-disk.img" bs=512 seek="$p2" conv=notrunc status=none

# GPT disk with 4096-byte sectors holding the NTFS volume at LBA 256 (1 MiB).
rm -f "$out/gpt4k-disk.img"
truncate -s 8M "$out/gpt4k-disk.img"
python3 scripts/write_gpt.py "$out/gpt4k-disk.img" 4096 0B7C1E2D-3F4A-4B5C-8D6E-7F8091A2B3C5 \
  "256:$(( 256 + ntfs_sectors / 8 - 1 )):EBD0A0A2-B9E5-4433-87C0-68B6B72699C7:11111111-2222-3333-4444-555555555556:Basic data partition"
dd if="$out/ntfs.img" of="$out/gpt4k-disk.img" bs=4096 seek=256 conv=notrunc status=none

# MBR disk: p1 ext4 (primary), p2 extended, p5 NTFS (logical).
rm -f "$out/mbr-disk.img"
truncate -s 13M "$out/mbr-disk.img"
printf 'label: dos\nlabel-id: 0x7a5c3e11\n\nstart=2048, size=%d, type=83\nstart=%d, size=%d, type=5\nstart=%d, size=%d, type=7\n' \
  "$ext_sectors" $(( 2048 + ext_sectors )) $(( ntfs_sectors + 4096 )) $(( 2048 + ext_sectors + 2048 )) "$ntfs_sectors" \
  | sfdisk -q "$out/mbr-disk.img"
dd if="$out/ext4.img" of="$out/mbr-disk.img" bs=512 seek=2048 conv=notrunc status=none
dd if="$out/ntfs.img" of="$out/mbr-disk.img" bs=512 seek=$(( 2048 + ext_sectors + 2048 )) conv=notrunc status=none

# Containers of the GPT disk: E01 (EnCase 6, compressed), VMDK (sparse), VHD (dynamic).
rm -f "$out/gpt-disk.E01" "$out/gpt-disk.vmdk" "$out/gpt-disk.vhd"
ewfacquire -q -u -t "$out/gpt-disk" -f encase6 -c deflate:best -C case-1 -D "tasktrail test disk" \
  -E 1 -e tasktrail -N "generated by make_images.sh" -m fixed -M physical "$out/gpt-disk.img" >/dev/null
qemu-img convert -q -f raw -O vmdk "$out/gpt-disk.img" "$out/gpt-disk.vmdk"
qemu-img convert -q -f raw -O vpc -o subformat=dynamic,force_size=on "$out/gpt-disk.img" "$out/gpt-disk.vhd"

ls -l "$out"
