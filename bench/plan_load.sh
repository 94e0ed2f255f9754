#!/usr/bin/env bash
# Building an engine against loading its plan, on the CPU backend: each run
# is a fresh giexec process, which prints how long trt_engine_build or
# trt_engine_load took (parsing the model is not counted in the build).
#
#   bench/plan_load.sh [MODEL.onnx [SHAPES [RUNS]]]
#
# Default: PP-OCR det (models/fetch_models.sh) at x:1x3x640x640, 15 runs.
# Prints the minimum, median and maximum of each and the ratio of medians.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="${1:-$root/models/downloads/ppocr/det.onnx}"
shapes="${2:-x:1x3x640x640}"
runs="${3:-15}"
giexec="${GIEXEC:-$root/build/tools/giexec}"
[[ -x "$giexec" && -f "$model" ]] || { echo "need $giexec and $model" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
plan="$work/model.plan"
common=(--backend=cpu --iterations=1 --avgRuns=1)
"$giexec" --onnx="$model" --shapes="$shapes" "${common[@]}" --engine="$plan" >/dev/null

# engine_ms ARGS...: the "Engine built/loaded in N ms" figure of one run.
engine_ms() { "$giexec" "$@" | sed -n 's/^Engine [a-z]* in \([0-9.]*\) ms.*/\1/p'; }
for ((i = 0; i < runs; i++)); do
  engine_ms --onnx="$model" --shapes="$shapes" "${common[@]}" >>"$work/build"
  engine_ms --loadEngine="$plan" --iterations=1 --avgRuns=1 >>"$work/load"
done
# stats FILE: min median max
stats() { sort -g "$1" | awk '{v[NR] = $1} END {printf "%.1f %.1f %.1f", v[1], v[int((NR + 1) / 2)], v[NR]}'; }
read -r build_min build_median build_max <<<"$(stats "$work/build")"
read -r load_min load_median load_max <<<"$(stats "$work/load")"
echo "model $(basename "$model") $shapes, $runs fresh processes each, ms (min / median / max)"
echo "build: $build_min / $build_median / $build_max"
echo "load:  $load_min / $load_median / $load_max"
awk -v b="$build_median" -v l="$load_median" 'BEGIN {printf "load is %.1fx faster (medians)\n", b / l}'
