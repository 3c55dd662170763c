#!/usr/bin/env bash
# Idle resident memory of one or more herald binaries, side by side, alternating.
#
#   bench/idle_rss.sh [--cold] [--rounds N] BINARY...
#
# Each round starts every binary on a bare configuration (a state directory and a port), waits
# until /readyz answers, waits two more seconds and reads VmRSS, RssAnon and RssFile from
# /proc/PID/status, then stops it. --cold drops the page cache before each start (needs root),
# as after a reboot; without it the binary's file is usually cached, as after an install: the
# kernel then maps up to 64 KiB of cached neighbours around each page a start touches.
# Prints each reading, then the median VmRSS per binary.
set -euo pipefail
cold=0
rounds=5
while [[ $# -gt 0 ]]; do
    case "$1" in
        --cold) cold=1; shift ;;
        --rounds) rounds=$2; shift 2 ;;
        *) break ;;
    esac
done
[[ $# -gt 0 ]] || { echo "usage: $0 [--cold] [--rounds N] BINARY..." >&2; exit 2; }

measure() {
    local binary=$1 work port pid
    work=$(mktemp -d)
    port=$((20000 + RANDOM % 20000))
    printf 'state_directory: %s/state\nserver: {host: 127.0.0.1, port: %s}\nlog: {level: warning}\n' \
        "$work" "$port" >"$work/herald.yml"
    if ((cold)); then sync; echo 1 >/proc/sys/vm/drop_caches; fi
    "$binary" serve --config "$work/herald.yml" >/dev/null 2>&1 &
    pid=$!
    "$(dirname "$0")/../scripts/wait-ready.sh" "$port" 10 || true
    sleep 2
    awk '/^(VmRSS|RssAnon|RssFile):/ {printf "%s %s ", $1, $2}' "/proc/$pid/status"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    rm -rf "$work"
}

results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$rounds"); do
    for binary in "$@"; do
        line=$(measure "$binary")
        echo "round $round $binary: $line"
        echo "$binary $(awk '{print $2}' <<<"$line")" >>"$results"
    done
done
awk -v scale=1024 -v format="median VmRSS %.1f MiB" -f "$(dirname "$0")/medians.awk" "$results"
