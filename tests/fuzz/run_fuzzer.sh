#!/usr/bin/env bash
# One fuzzer's CI run (tests/fuzz/meson.build registers these as suite 'fuzz'):
#   run_fuzzer.sh regress FUZZER REGRESSION_DIR
#     runs every input saved in REGRESSION_DIR once; fails on any report.
#   run_fuzzer.sh fuzz FUZZER WORK_DIR SEED_DIR...
#     fuzzes for FUZZ_SECONDS (default 60) from the seeds, new inputs kept in
#     WORK_DIR/corpus, crashes in WORK_DIR/artifacts; fails on any report.
#     FUZZ_SEED (default 1) fixes libFuzzer's random choices, so that a CI
#     run mutates the same way on every machine and a failure it reports
#     can be replayed; long campaigns set other seeds (tests/fuzz/README.md).
set -uo pipefail
mode=$1 fuzzer=$2
shift 2
limits=(-timeout=10 -rss_limit_mb=2048)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

case $mode in
regress)
  inputs=()
  for file in "$1"/*; do
    [ -f "$file" ] && [ "$(basename "$file")" != README.md ] && inputs+=("$file")
  done
  if [ "${#inputs[@]}" -eq 0 ]; then
    echo "no regression inputs in $1"
    exit 0
  fi
  echo "replaying ${#inputs[@]} inputs from $1"
  exec "$fuzzer" "${limits[@]}" "${inputs[@]}"
  ;;
fuzz)
  work=$1
  shift
  mkdir -p "$work/corpus" "$work/artifacts"
  seeds=()
  for dir in "$@"; do
    [ -d "$dir" ] && seeds+=("$dir")
  done
  exec "$fuzzer" "${limits[@]}" -max_total_time="${FUZZ_SECONDS:-60}" -seed="${FUZZ_SEED:-1}" \
    -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" "$work/corpus" "${seeds[@]}"
  ;;
*)
  echo "usage: run_fuzzer.sh regress FUZZER DIR | fuzz FUZZER WORK_DIR SEED_DIR..." >&2
  exit 2
  ;;
esac
