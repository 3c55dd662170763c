#!/usr/bin/env bash
# Builds the benchmark package (bench/HeraldBenchmarks, kept out of the daemon's build) in release
# mode and runs herald-bench from the repository root with the given arguments:
#   bench/herald-bench.sh 3              dispatch with 100 rules, and scan delays (3 rounds)
#   bench/herald-bench.sh cleanup 3      cleanup rule evaluation over 220,000 items
#   bench/herald-bench.sh inventory 3    Plex inventory sync
#   bench/herald-bench.sh journal 3      journal append
#   bench/herald-bench.sh decode 5       webhook decoding
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
swift build -c release --package-path bench/HeraldBenchmarks >&2
exec bench/HeraldBenchmarks/.build/release/herald-bench "$@"
