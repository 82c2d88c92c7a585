#!/usr/bin/env bash
# Runs every fuzz target for SECS seconds (default 600), two at a time, on the stable toolchain
# (--sanitizer none). Seeds come from seed.sh; crashes land in fuzz/artifacts/<target>/.
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-600}
./seed.sh >/dev/null
cargo fuzz build --sanitizer none -O >/dev/null 2>&1 || { echo "build failed"; exit 1; }
mkdir -p logs
targets=$(cargo fuzz list)
run() {
  cargo fuzz run --sanitizer none -O "$1" "corpus/$1" -- -max_total_time="$secs" -rss_limit_mb=2048 -max_len=1048576 >"logs/$1.log" 2>&1
  echo "$1: exit $? $(grep -o 'Done [0-9]* runs' "logs/$1.log" | tail -1)"
}
set -- $targets
while [ $# -gt 0 ]; do
  run "$1" &
  [ $# -gt 1 ] && run "$2" &
  wait
  shift; [ $# -gt 0 ] && shift
done
