#!/usr/bin/env bash
# Building an engine against loading its plan, on the CPU backend: each run
# is a fresh giexec process, which prints how long trt_engine_build or
# trt_engine_load took (parsing the model is not counted in the build).
# Then the same through the element, as users meet it: a fresh
# gst-launch-1.0 per run taking `videotestsrc num-buffers=0 ! trtinfer !
# fakesink` to EOS with no engine-file (parse and build) or with one
# holding the engine (cache key over the model's bytes, then load), and the
# pipeline without trtinfer for what GStreamer itself costs.
#
#   bench/plan_load.sh [MODEL.onnx [SHAPES [RUNS]]]
#
# Default: PP-OCR det (models/fetch_models.sh) at x:1x3x640x640, 15 runs.
# ResNet-50 (random weights, 102 MB): /usr/bin/python3 bench/make_resnet50.py
# r50.onnx, then bench/plan_load.sh r50.onnx input:1x3x224x224.
# ELEMENT_PROPS adds properties to trtinfer (width=640 height=640 for a model
# whose size is dynamic); ELEMENT=0 skips the element.
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

[[ "${ELEMENT:-1}" == 1 ]] || exit 0
export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$root/build/gst}"
if ! command -v gst-launch-1.0 >/dev/null || [[ ! -d "$GST_PLUGIN_PATH" ]]; then
  echo "element: skipped (no gst-launch-1.0 or no $GST_PLUGIN_PATH)"
  exit 0
fi
props=(backend=cpu ${ELEMENT_PROPS:-})
# wall_ms PIPELINE...: milliseconds one gst-launch-1.0 process takes.
wall_ms() {
  local start end
  start=$(date +%s%N)
  gst-launch-1.0 -q "$@" >/dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000000))
}
element_plan="$work/element.plan"
gst-launch-1.0 -q videotestsrc num-buffers=0 ! trtinfer model-file="$model" "${props[@]}" \
  engine-file="$element_plan" ! fakesink >/dev/null
for ((i = 0; i < runs; i++)); do
  wall_ms videotestsrc num-buffers=0 ! fakesink >>"$work/gst"
  wall_ms videotestsrc num-buffers=0 ! trtinfer model-file="$model" "${props[@]}" ! fakesink \
    >>"$work/element_build"
  wall_ms videotestsrc num-buffers=0 ! trtinfer model-file="$model" "${props[@]}" \
    engine-file="$element_plan" ! fakesink >>"$work/element_load"
done
read -r gst_min gst_median gst_max <<<"$(stats "$work/gst")"
read -r eb_min eb_median eb_max <<<"$(stats "$work/element_build")"
read -r el_min el_median el_max <<<"$(stats "$work/element_load")"
echo "element, whole gst-launch-1.0 process, ms (min / median / max):"
echo "pipeline without trtinfer: $gst_min / $gst_median / $gst_max"
echo "no engine-file (build):    $eb_min / $eb_median / $eb_max"
echo "engine-file (load):        $el_min / $el_median / $el_max"
awk -v b="$eb_median" -v l="$el_median" -v g="$gst_median" \
  'BEGIN {printf "load is %.1fx faster (medians less the pipeline alone)\n", (b - g) / (l - g)}'
