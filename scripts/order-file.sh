#!/usr/bin/env bash
# Writes an order file for a release binary: the functions the daemon runs when it starts, takes
# webhooks, watches folders and stops, in the order the release link should place them first.
# scripts/build-release.sh runs it on every build (the file is never checked in, so it cannot go
# stale) and links again with it.
#
#   scripts/order-file.sh BINARY OUTPUT
#   KEEP=DIR scripts/order-file.sh BINARY OUTPUT   also keeps the callgrind profiles in DIR
#
# Why: the kernel maps a binary's code 64 KiB at a time around each page it faults in. Spread over
# 30 MiB of code, the few thousand functions a start touches make most of the code resident.
# Linked first and side by side (lld --symbol-ordering-file), they fit in a few MiB. Names that a
# later change removes are skipped by the linker (see BENCHMARKS.md).
#
# Needs valgrind (callgrind counts which instructions ran) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
[[ $# -eq 2 ]] || { echo "usage: $0 BINARY OUTPUT" >&2; exit 2; }
binary=$1
output=$2
work=$(mktemp -d)
trap '[[ -n "${KEEP:-}" ]] && cp "$work"/callgrind.out* "$KEEP"; rm -rf "$work"' EXIT
# valgrind cannot read the DWARF 5 the toolchain writes; the symbol table is enough.
objcopy --strip-debug "$binary" "$work/herald"
port=$((20000 + RANDOM % 20000))
mkdir -p "$work/media/Show/Season 01" "$work/rules"
cat >"$work/rules/rules.yml" <<'EOF'
- name: log what arrives
  on: ["*"]
  if: {not: {path: {glob: "*.nfo"}}}
  do: [log: {message: "{{kind}}"}]
EOF
cat >"$work/herald.yml" <<EOF
state_directory: $work/state
server: {host: 127.0.0.1, port: $port}
log: {level: warning}
rules_directory: $work/rules
watch:
  roots: ["$work/media"]
  settle: 200ms
EOF

valgrind --tool=callgrind --compress-strings=no \
    --callgrind-out-file="$work/callgrind.out" "$work/herald" serve --config "$work/herald.yml" \
    >"$work/valgrind.log" 2>&1 &
pid=$!
scripts/wait-ready.sh "$port" 120  # valgrind starts it ~50 times slower
# Phase 1, what a start and an idle daemon run, is dumped on its own (callgrind.out.1) and listed
# first: an idle daemon's code is then one compact block; phase 2 (the rest) follows it.
sleep 3
callgrind_control --dump "$pid" >/dev/null 2>&1
url="http://127.0.0.1:$port"
for file in samples/payloads/*.json; do
    name=$(basename "$file")
    case "$name" in
        sonarr-*) path=/hooks/sonarr ;;
        radarr-*) path=/hooks/radarr ;;
        lidarr-*) path=/hooks/lidarr ;;
        tautulli-webhook-body-*) path=/hooks/tautulli ;;
        plex-webhook-*) path=/hooks/plex ;;
        *) continue ;;
    esac
    if [[ "$path" == /hooks/plex ]]; then
        curl -s -o /dev/null -F "payload=<$file" "$url$path"
    else
        curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary "@$file" "$url$path"
    fi
done
for episode in 01 02 03; do echo video >"$work/media/Show/Season 01/Show - S01E$episode.mkv"; done
mv "$work/media/Show/Season 01/Show - S01E03.mkv" "$work/media/Show/Season 01/Show - S01E04.mkv"
sleep 3
curl -s -o /dev/null "$url/healthz"
curl -s -o /dev/null "$url/metrics"
curl -s -o /dev/null -H 'Content-Type: text/plain' --data-binary 'x' "$url/hooks/sonarr"
curl -s -o /dev/null -H 'Content-Type: application/json' --data-binary '{' "$url/hooks/radarr"
kill -TERM "$pid"
wait "$pid" || true

# The functions each phase ran, by the names callgrind gives them, kept where they are the binary's
# own symbols. C++ functions do not match (callgrind prints their names demangled) and stay where
# they are; listing them measured no better (BENCHMARKS.md, issue 2's session 5).
nm --defined-only "$binary" | awk '$2 ~ /^[tTwW]$/ {print $3}' >"$work/symbols"
python3 - "$work/callgrind.out.1" "$work/callgrind.out" "$work/symbols" <<'EOF' >"$output"
import sys
*outs, symbols = sys.argv[1:]
known = set(line.strip() for line in open(symbols))
listed = set()
for out in outs:
    ran = set()
    for line in open(out, errors="replace"):
        if line.startswith(("fn=", "cfn=")):
            name = line.split("=", 1)[1].strip()
            if name in known: ran.add(name)
    for name in sorted(ran - listed): print(name)
    print(f"{out}: {len(ran - listed)} more functions", file=sys.stderr)
    listed |= ran
EOF
echo "$output: $(wc -l <"$output") functions" >&2
