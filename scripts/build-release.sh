#!/usr/bin/env bash
# Builds the release binary Herald ships: .build-static/release/herald.
#
# - The Swift runtime and Foundation are linked statically: the binary runs without a toolchain,
#   and their code is not loaded whole as shared libraries.
# - lld places the functions listed in scripts/herald.order (what a start, webhooks, the watcher
#   and a stop run; made by scripts/order-file.sh) side by side at the front of the code, so the
#   few MiB they span are what stays resident, not most of the 30 MiB of code (BENCHMARKS.md).
# - Relative relocations are packed (DT_RELR) where the C library understands them (glibc 2.36,
#   Debian 12): the binary stays position independent, and the loader no longer reads 3.4 MiB of
#   relocation records at every start.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

flags=(-Xswiftc -use-ld=lld
    -Xlinker "--symbol-ordering-file=$PWD/scripts/herald.order" -Xlinker --no-warn-symbol-ordering)
glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
if [[ -n "$glibc" ]] && printf '2.36\n%s\n' "$glibc" | sort -V -C; then
    flags+=(-Xlinker -z -Xlinker pack-relative-relocs)
fi
# The build system does not see the order file as an input: link again every time (lld takes seconds).
rm -f .build-static/release/herald
swift build -c release --product herald --static-swift-stdlib --scratch-path .build-static "${flags[@]}" "$@"
