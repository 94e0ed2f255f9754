#!/usr/bin/env bash
# The PP-OCR model test as meson runs it: prepare inputs and ONNX Runtime references, then run
# the C program that compares our CPU engine with them.
#
#   tests/models/run_ppocr_test.sh TEST_PROGRAM WORKDIR
#
# Exits 77 (skipped) when make_references.sh cannot prepare the data here.
set -euo pipefail

[[ $# == 2 ]] || { echo "usage: $0 TEST_PROGRAM WORKDIR" >&2; exit 2; }
test_program="$1"
workdir="$2"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

status=0
models_dir="$("$here/make_references.sh" "$workdir")" || status=$?
if [[ $status != 0 ]]; then
  exit "$status" # 77 passes meson's "skipped" on
fi
exec "$test_program" "$models_dir" "$workdir"
