#!/usr/bin/env bash
# Ingest benchmark: Herald (durable journaling on) side by side with adnanh/webhook 2.8.0.
# Usage: bench/ingest.sh [rounds]   (results are printed as a Markdown table; see BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-deps.sh --bench
# The binary as systemd/README.md installs it: the Swift runtime linked in.
scripts/build-release.sh
exec python3 bench/ingest_bench.py --herald .build-static/release/herald --rounds "${1:-3}"
