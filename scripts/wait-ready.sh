#!/usr/bin/env bash
# Waits until a Herald on 127.0.0.1:PORT answers /readyz with 200, polling every 10 ms, for at
# most SECONDS (default 60). Exits 1 if it never does.
#   scripts/wait-ready.sh PORT [SECONDS]
set -euo pipefail
port=$1
deadline=$((SECONDS + ${2:-60}))
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do
    ((SECONDS < deadline)) || { echo "herald on port $port never became ready" >&2; exit 1; }
    sleep 0.01
done
