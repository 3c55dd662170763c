#!/usr/bin/env bash
# Notification benchmark: Herald's durable outbox against Apprise, fanning out to 20 JSON endpoints.
# Usage: bench/notify.sh [rounds]   (prints a Markdown table; see BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-deps.sh --bench
# The binary as systemd/README.md installs it: the Swift runtime linked in.
scripts/build-release.sh
exec python3 bench/notify_bench.py --herald .build-static/release/herald --rounds "${1:-3}"
