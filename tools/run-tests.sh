#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test suite that needs no GPU
# (unit, conformance, models). Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh || exit 1
bash tools/build.sh build || exit 1

log=$(mktemp)
meson test -C build --no-rebuild --print-errorlogs --num-processes 2 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
passed=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
failed=0
for kind in Fail Timeout 'Unexpected Pass'; do
  count=$(sed -n "s/^$kind: *\([0-9]*\).*/\1/p" "$log" | tail -n 1)
  failed=$((failed + ${count:-0}))
done
skipped=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
rm -f "$log"
echo "${passed:-0} passed, ${failed} failed, ${skipped:-0} skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
