#!/usr/bin/env bash
# Installs what is missing, builds Herald in release mode and runs it on samples/herald.yml.
# Stop it with Ctrl-C; send SIGHUP (kill -HUP) to reload the configuration.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

scripts/install-deps.sh
scripts/build-release.sh
exec .build-static/release/herald serve --config "${HERALD_CONFIG:-samples/herald.yml}"
