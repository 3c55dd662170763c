#!/usr/bin/env bash
# Installs what is missing, then lints, builds (warnings are errors) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

scripts/install-deps.sh
echo "== shell scripts"
for script in scripts/*.sh bench/*.sh; do bash -n "$script"; done
echo "== swift format lint"
swift format lint --strict --recursive Sources Tests Package.swift bench/HeraldBenchmarks
echo "== systemd unit"
if command -v systemd-analyze >/dev/null 2>&1; then
    # Checks syntax and directives; the binary path need not exist here.
    report=$(systemd-analyze verify --man=no systemd/herald.service 2>&1 || true)
    if grep -v "Command /usr/local/bin/herald is not executable" <<<"$report" | grep -E "Unknown|Failed|rror|nvalid"; then
        echo "systemd/herald.service has problems" >&2
        exit 1
    fi
fi
echo "== build"
swift build --build-tests
echo "== test"
swift test --skip-build
