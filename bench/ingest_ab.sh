#!/usr/bin/env bash
# Webhook throughput of several herald binaries, side by side, alternating, to compare builds.
#
#   bench/ingest_ab.sh ROUNDS BINARY...
#
# Each round starts every binary on a fresh state directory (journal.synchronous: full), runs
# `wrk -t2 -c64 -d10s` posting the Sonarr v4 download fixture to /hooks/sonarr, and stops it.
# Prints each round, then the median requests/s per binary. bench/ingest.sh is the full benchmark
# against adnanh/webhook; this one only says which of two builds is faster, on a noisy machine.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { echo "usage: $0 ROUNDS BINARY..." >&2; exit 2; }
rounds=$1
shift
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq 1 "$rounds"); do
    for binary in "$@"; do
        work=$(mktemp -d)
        port=$((20000 + RANDOM % 20000))
        printf 'state_directory: %s/state\nserver: {host: 127.0.0.1, port: %s}\nlog: {level: warning}\njournal: {synchronous: full}\n' \
            "$work" "$port" >"$work/herald.yml"
        "$binary" serve --config "$work/herald.yml" >/dev/null 2>&1 &
        pid=$!
        scripts/wait-ready.sh "$port" 20
        rate=$(BODY_FILE=samples/payloads/sonarr-v4-download.json wrk -t2 -c64 -d10s -s bench/post.lua \
            "http://127.0.0.1:$port/hooks/sonarr" | awk '/Requests\/sec/ {print $2}')
        echo "round $round $binary: $rate req/s"
        echo "$binary $rate" >>"$results"
        kill "$pid"
        wait "$pid" 2>/dev/null || true
        rm -rf "$work"
    done
done
awk -v scale=1 -v format="median %.0f req/s" -f "$(dirname "$0")/medians.awk" "$results"
