#!/usr/bin/env bash
# Installs what Herald needs on a fresh Debian machine, and nothing that is already there.
#   scripts/install-deps.sh          build and test dependencies
#   scripts/install-deps.sh --bench  plus the benchmark tools (wrk, hey, adnanh/webhook, Apprise)
set -euo pipefail

# libcurl (OpenSSL flavour) sends email; openssl and python3 run the SMTP test peer (aiosmtpd).
packages=(libsqlite3-dev libcurl4-openssl-dev pkg-config ca-certificates curl openssl python3 python3-pip)
if [[ "${1:-}" == "--bench" ]]; then
    packages+=(wrk hey webhook procps python3 inotify-tools valgrind)
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

# PyPI tools for test peers (and, with --bench, the peer Herald is measured against).
python_packages=("aiosmtpd==1.4.6")
if [[ "${1:-}" == "--bench" ]]; then
    python_packages+=("apprise==2.2.0")
fi
for requirement in "${python_packages[@]}"; do
    module="${requirement%%==*}"
    if ! python3 -c "import ${module}" >/dev/null 2>&1; then
        echo "installing from PyPI: ${requirement}"
        python3 -m pip install --quiet --disable-pip-version-check "${requirement}" \
            || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${requirement}"
    fi
done

if ! command -v swift >/dev/null 2>&1; then
    if [[ -x /opt/swift/usr/bin/swift ]]; then
        echo "note: add /opt/swift/usr/bin to PATH" >&2
    else
        echo "error: the Swift 6 toolchain (swift.org) is required and is not installed" >&2
        exit 1
    fi
fi
