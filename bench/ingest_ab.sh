#!/usr/bin/env bash
# Webhook throughput and CPU per webhook of several herald binaries, side by side, alternating,
# to compare builds.
#
#   [SYNCHRONOUS=normal] [CONNECTIONS=64] bench/ingest_ab.sh ROUNDS BINARY...
#
# Each round starts every binary on a fresh state directory (journal.synchronous: full, or
# $SYNCHRONOUS), runs `wrk -t2 -c$CONNECTIONS -d10s` (64 connections unless set) posting the
# Sonarr v4 download fixture to /hooks/sonarr, and stops it.
# CPU per webhook is the process's user + system time (from /proc/PID/stat, before and after)
# ÷ requests: on this noisy two-core machine it separates two builds better than requests/s, which
# also move with what else the host runs. Each round also prints how busy the whole machine was
# (/proc/stat; wrk shares it) and the events per journal commit (from /metrics). Prints each
# round, then the medians per binary.
# bench/ingest.sh is the full benchmark against adnanh/webhook; this one only compares builds.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { echo "usage: $0 ROUNDS BINARY..." >&2; exit 2; }
rounds=$1
shift
ticks=$(getconf CLK_TCK)
rates=$(mktemp)
cpu=$(mktemp)
trap 'rm -f "$rates" "$cpu"' EXIT
for round in $(seq 1 "$rounds"); do
    for binary in "$@"; do
        work=$(mktemp -d)
        port=$((20000 + RANDOM % 20000))
        printf 'state_directory: %s/state\nserver: {host: 127.0.0.1, port: %s}\nlog: {level: warning}\njournal: {synchronous: %s}\n' \
            "$work" "$port" "${SYNCHRONOUS:-full}" >"$work/herald.yml"
        "$binary" serve --config "$work/herald.yml" >/dev/null 2>&1 &
        pid=$!
        scripts/wait-ready.sh "$port" 20
        before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        machine_before=$(head -1 /proc/stat)
        out=$(BODY_FILE=samples/payloads/sonarr-v4-download.json wrk -t2 "-c${CONNECTIONS:-64}" -d10s -s bench/post.lua \
            "http://127.0.0.1:$port/hooks/sonarr")
        after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
        machine_after=$(head -1 /proc/stat)
        busy=$(printf '%s\n%s\n' "$machine_before" "$machine_after" | awk '
            NR == 1 { for (i = 2; i <= NF; i++) a[i] = $i }
            NR == 2 { for (i = 2; i <= NF; i++) { d = $i - a[i]; t += d; if (i == 5 || i == 6) idle += d }
                      printf "%.0f", 100 * (t - idle) / t }')
        per_commit=$(curl -s "http://127.0.0.1:$port/metrics" | awk '
            /^herald_journal_batch_size_sum/ { s = $2 } /^herald_journal_batch_size_count/ { c = $2 }
            END { if (c > 0) printf "%.1f", s / c; else printf "-" }')
        rate=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
        requests=$(awk '/requests in/ {print $1}' <<<"$out")
        micros=$(awk -v b="$before" -v a="$after" -v t="$ticks" -v n="$requests" \
            'BEGIN {printf "%.1f", (a - b) / t / n * 1e6}')
        echo "round $round $binary: $rate req/s, $micros µs CPU per request, machine ${busy}% busy, $per_commit events per commit"
        echo "$binary $rate" >>"$rates"
        echo "$binary $micros" >>"$cpu"
        kill "$pid"
        wait "$pid" 2>/dev/null || true
        rm -rf "$work"
    done
done
awk -v scale=1 -v format="median %.0f req/s" -f "$(dirname "$0")/medians.awk" "$rates"
awk -v scale=1 -v format="median %.1f µs CPU per request" -f "$(dirname "$0")/medians.awk" "$cpu"
