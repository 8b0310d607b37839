#!/usr/bin/env bash
# Runs the test suite with every process's clock moved ahead (default one
# year): Node, the private redis-servers, the Celery workers and Chromium all
# inherit libfaketime through LD_PRELOAD, so the suite sees one consistent
# future. Shows that no test depends on the calendar.
#   bash scripts/test-clock-ahead.sh [OFFSET] [vitest args…]   (OFFSET like +365d)
set -euo pipefail
cd "$(dirname "$0")/.."
offset=${1:-+365d}
shift || true
lib=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1 || true)
if [ -z "$lib" ]; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libfaketime >/dev/null
    lib=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 | head -1)
  else
    echo "libfaketime is missing: apt-get install libfaketime" >&2; exit 1
  fi
fi
node scripts/ensure-node-modules.mjs
echo "clock moved $offset: $(LD_PRELOAD=$lib FAKETIME="$offset" date -u)"
LD_PRELOAD=$lib FAKETIME="$offset" FAKETIME_DONT_FAKE_MONOTONIC=1 npx vitest run "$@"
