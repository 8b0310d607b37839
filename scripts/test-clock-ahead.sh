#!/usr/bin/env bash
# Runs the test suite with the clocks moved ahead (default one year): Node and
# the Celery workers inherit libfaketime through LD_PRELOAD. Two programs hang
# under libfaketime (jemalloc's and Chromium's start-up recurse into
# clock_gettime): redis-server and redis-cli run through shims without it
# (Redis keeps relative TTLs only, so its own clock does not matter here), and
# test/helpers/browser.ts starts Chromium without it and moves each page's Date
# by the same offset. Shows that no test depends on the calendar.
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
shims=$(mktemp -d)
trap 'rm -rf "$shims"' EXIT
for command in redis-server redis-cli; do
  real=$(command -v "$command")
  # Under its own name (exec -a), as ps shows it when started directly: the demo test looks for it there.
  printf '#!/bin/bash\nunset LD_PRELOAD\nexec -a %s %s "$@"\n' "$command" "$real" >"$shims/$command"
  chmod +x "$shims/$command"
done
export PATH="$shims:$PATH"
# CPython's time.sleep fails with EINVAL under libfaketime 0.9.10 (it sleeps with
# clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME), which libfaketime mangles while
# the monotonic clock is left unfaked; faking it instead hangs every timed wait of
# a worker's threads). Every Python process (the tests' workers, the demo's) loads
# this usercustomize, which sleeps through select's relative timeout instead.
export PYTHONUSERBASE="$shims/python"
site=$(/usr/bin/python3 -c 'import site; print(site.getusersitepackages())')
mkdir -p "$site"
cat >"$site/usercustomize.py" <<'PY'
import select
import time


def _sleep(seconds):
    select.select([], [], [], max(0.0, seconds))


time.sleep = _sleep
PY
echo "clock moved $offset: $(LD_PRELOAD=$lib FAKETIME="$offset" date -u)"
LD_PRELOAD=$lib FAKETIME="$offset" FAKETIME_DONT_FAKE_MONOTONIC=1 npx vitest run "$@"
