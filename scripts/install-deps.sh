#!/usr/bin/env bash
# Installs what Herald needs on a fresh Debian machine, and nothing that is already there.
#   scripts/install-deps.sh          build and test dependencies
#   scripts/install-deps.sh --bench  plus the benchmark tools (wrk, hey, adnanh/webhook)
set -euo pipefail

packages=(libsqlite3-dev pkg-config ca-certificates curl)
if [[ "${1:-}" == "--bench" ]]; then
    packages+=(wrk hey webhook procps python3 inotify-tools)
fi

missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    sudo_cmd=()
    [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"
fi

if ! command -v swift >/dev/null 2>&1; then
    if [[ -x /opt/swift/usr/bin/swift ]]; then
        echo "note: add /opt/swift/usr/bin to PATH" >&2
    else
        echo "error: the Swift 6 toolchain (swift.org) is required and is not installed" >&2
        exit 1
    fi
fi
