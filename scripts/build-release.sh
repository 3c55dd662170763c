#!/usr/bin/env bash
# Builds the release binary Herald ships: .build-static/release/herald.
#
# - The Swift runtime and Foundation are linked statically: the binary runs without a toolchain,
#   and their code is not loaded whole as shared libraries.
# - lld places the functions a start, webhooks, the watcher and a stop run side by side at the
#   front of the code, so the few MiB they span are what stays resident, not most of the 30 MiB of
#   code (idle RSS ~32–35 MiB instead of ~38–42, BENCHMARKS.md). Their list is made on every build
#   from the binary just built (scripts/order-file.sh, under valgrind, ~25 s), then the binary is
#   linked again with it: the list is never checked in, so it cannot go stale. Without valgrind
#   the build says so and keeps the default layout.
# - Relative relocations are packed (DT_RELR) where the C library understands them (glibc 2.36,
#   Debian 12): the binary stays position independent, and the loader no longer reads 3.4 MiB of
#   relocation records at every start.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

order=$PWD/.build-static/herald.order
flags=(-Xswiftc -use-ld=lld)
glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}')
if [[ -n "$glibc" ]] && printf '2.36\n%s\n' "$glibc" | sort -V -C; then
    flags+=(-Xlinker -z -Xlinker pack-relative-relocs)
fi
link() {
    local ordering=()
    [[ -s "$order" ]] && ordering=(-Xlinker "--symbol-ordering-file=$order" -Xlinker --no-warn-symbol-ordering)
    # The build system does not see the order file as an input: link again every time (lld takes seconds).
    rm -f .build-static/release/herald
    swift build -c release --product herald --static-swift-stdlib --scratch-path .build-static \
        "${flags[@]}" "${ordering[@]}" "$@"
}
link "$@"
if command -v valgrind >/dev/null 2>&1; then
    scripts/order-file.sh .build-static/release/herald "$order.new" >&2
    mv "$order.new" "$order"
    link "$@"
else
    echo "note: valgrind is not installed: the code keeps its default layout (idle RSS ~6 MiB higher)" >&2
fi
