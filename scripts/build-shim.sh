#!/usr/bin/env bash
# Builds liburing-shim when the machine can (make, a C compiler, liburing's headers and
# static library); otherwise says what is missing and leaves the server on its fallbacks.
cd "$(dirname "$0")/../liburing-shim" || exit 0
missing=()
command -v make >/dev/null 2>&1 || missing+=(make)
command -v "${CC:-gcc}" >/dev/null 2>&1 || missing+=(gcc)
[ -f /usr/include/liburing.h ] || missing+=(liburing-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "liburing-shim not built (missing: ${missing[*]}); crucible-server will run on its fallbacks" >&2
  exit 0
fi
make -s all || { echo "liburing-shim failed to build; crucible-server will run on its fallbacks" >&2; exit 0; }
