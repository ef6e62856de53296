#!/usr/bin/env bash
# Installs the Debian packages the test suite and the native shim need, when missing.
# A no-op on a machine that already has them; needs root (or sudo) otherwise.
set -euo pipefail
need=()
command -v redis-cli >/dev/null 2>&1 || need+=(redis-tools)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v redis-benchmark >/dev/null 2>&1 || need+=(redis-tools)
command -v gcc >/dev/null 2>&1 || need+=(gcc)
command -v make >/dev/null 2>&1 || need+=(make)
[ -f /usr/include/liburing.h ] || need+=(liburing-dev)
# memcached: the memcache tests compare replies with the real one; libmemcached-tools has
# memccapable (a protocol conformance check) and memaslap (bench/memcache.ts's load).
command -v memcached >/dev/null 2>&1 || need+=(memcached)
command -v memccapable >/dev/null 2>&1 || need+=(libmemcached-tools)
# chromium: test/blackbox/benchmark-view.test.ts renders `crucible-benchmark view` headless and
# checks the screenshot's charts are drawn.
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing system packages: ${need[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian's redis-server package may start a service on 6379; tests start their own servers.
if command -v systemctl >/dev/null 2>&1; then $sudo systemctl disable --now redis-server memcached >/dev/null 2>&1 || true; fi
pkill -x redis-server >/dev/null 2>&1 || true
