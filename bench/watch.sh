#!/usr/bin/env bash
# Watcher benchmark: Herald against inotifywait -r on a generated tree (see BENCHMARKS.md).
# Usage: bench/watch.sh [rounds] [directories]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
scripts/install-deps.sh --bench
# The binary as systemd/README.md installs it: the Swift runtime linked in.
scripts/build-release.sh
exec python3 bench/watch_bench.py --herald .build-static/release/herald --rounds "${1:-3}" --directories "${2:-50000}"
