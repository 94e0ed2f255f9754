#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test suite that needs no GPU
# (the GPU suite skips itself), then every CPU suite again in a build with
# AddressSanitizer and UBSan, then the fuzzers (tests/fuzz) in a clang build:
# each replays its saved crash inputs and fuzzes for FUZZ_SECONDS (60).
# Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh || exit 1

total_passed=0
total_failed=0
total_skipped=0

# run_suites BUILD_DIR [meson test arguments...]: runs and adds up the counts.
run_suites() {
  local build_dir=$1 log status count kind
  shift
  log=$(mktemp)
  meson test -C "$build_dir" --no-rebuild --print-errorlogs --num-processes 2 "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  count=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  total_passed=$((total_passed + ${count:-0}))
  for kind in Fail Timeout 'Unexpected Pass'; do
    count=$(sed -n "s/^$kind: *\([0-9]*\).*/\1/p" "$log" | tail -n 1)
    total_failed=$((total_failed + ${count:-0}))
  done
  count=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
  total_skipped=$((total_skipped + ${count:-0}))
  # A run that failed without counting (a crash of meson itself) still fails.
  if [ "$status" -ne 0 ] && ! grep -q '^Fail:' "$log"; then
    total_failed=$((total_failed + 1))
  fi
  rm -f "$log"
}

if bash tools/build.sh build; then
  run_suites build
else
  echo "build failed"
  total_failed=$((total_failed + 1))
fi

if bash tools/build.sh build-asan -Dcuda=disabled -Db_sanitize=address,undefined \
  -Db_lundef=false -Dbuildtype=debugoptimized; then
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 run_suites build-asan --no-suite gpu
else
  echo "sanitizer build failed"
  total_failed=$((total_failed + 1))
fi

# libFuzzer with ASan and UBSan; any report (crash, leak, UB, timeout over
# 10 s, RSS over 2 GiB) fails that fuzzer's test.
if CC=clang bash tools/build.sh build-fuzz -Dfuzz=true -Dtests=false -Dcuda=disabled \
  -Dgstreamer=disabled -Db_sanitize=address,undefined -Db_lundef=false \
  -Dbuildtype=debugoptimized; then
  FUZZ_SECONDS=${FUZZ_SECONDS:-60} run_suites build-fuzz --suite fuzz
else
  echo "fuzz build failed"
  total_failed=$((total_failed + 1))
fi

echo "${total_skipped} skipped (GPU tests on a machine without one, suites not built)"
echo "${total_passed} passed, ${total_failed} failed"
[ "$total_failed" -eq 0 ]
