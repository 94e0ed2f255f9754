#!/usr/bin/env bash
# trtinfer elements sharing the CPU cores (issue 13): a decoded H.264 clip
# through one element, through `a ! queue ! b`, and through a tee with two
# branches, each with threads=0 (automatic) and threads=1, and giexec on the
# same model in the same run for the engine alone.
#
#   bench/element_threads.sh [BUILD_DIR [MODEL.onnx]]
#
# Default: build/ and PP-OCR cls (models/fetch_models.sh) at 1x3x48x192.
# Environment: FRAMES (default 300), RUNS (default 3, the median is kept).
# A build whose element has no `threads` property (the code before issue 13)
# runs the automatic cases only.
# Prints one Markdown table row per case: wall seconds, frames per second
# (frames through the pipeline: a tee's two branches each see every frame),
# and the CPU seconds the process used (user + system, all threads).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
model="${2:-$root/models/downloads/ppocr/cls.onnx}"
frames="${FRAMES:-300}"
runs="${RUNS:-3}"
width=192
height=48
giexec="$build/tools/giexec"
[[ -x "$giexec" && -f "$build/gst/libgsttrtinfer.so" && -f "$model" ]] ||
  { echo "need $giexec, $build/gst/libgsttrtinfer.so and $model" >&2; exit 1; }
command -v gst-launch-1.0 >/dev/null || { echo "gst-launch-1.0 not found" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export GST_PLUGIN_PATH="$build/gst"
export GST_REGISTRY="$work/registry.bin"

# The source: a 640x480 H.264 clip decoded on the fly, as a camera or file
# pipeline would have; raw test frames where no H.264 encoder is installed.
if gst-inspect-1.0 openh264enc >/dev/null 2>&1 && gst-inspect-1.0 openh264dec >/dev/null 2>&1; then
  # A moving colour-bar pattern at 2 Mbit/s: about 10 kB a frame to decode.
  gst-launch-1.0 -q videotestsrc num-buffers="$frames" pattern=smpte horizontal-speed=3 \
    ! video/x-raw,format=I420,width=640,height=480,framerate=30/1 \
    ! openh264enc bitrate=2000000 ! h264parse ! mp4mux ! filesink location="$work/clip.mp4" \
    >/dev/null 2>&1
  source="filesrc location=$work/clip.mp4 ! qtdemux ! h264parse ! openh264dec"
  source_name="640x480 H.264 (openh264dec)"
else
  source="videotestsrc num-buffers=$frames pattern=smpte horizontal-speed=3 ! video/x-raw,width=640,height=480"
  source_name="640x480 videotestsrc (no H.264 encoder here)"
fi

has_threads=0
grep -Eq '^  threads +:' <<<"$(gst-inspect-1.0 trtinfer 2>/dev/null)" && has_threads=1
plan="$work/model.plan"
# element THREADS: one trtinfer on the model (THREADS "auto": the default).
element() {
  local threads=""
  [[ $1 != auto ]] && threads="threads=$1"
  echo "trtinfer model-file=$model engine-file=$plan backend=cpu width=$width height=$height $threads"
}
# pipeline CASE THREADS
pipeline() {
  local e
  e="$(element "$2")"
  case $1 in
    decode) echo "$source ! fakesink sync=false" ;;
    one) echo "$source ! $e ! fakesink sync=false" ;;
    chain) echo "$source ! $e ! queue ! $e ! fakesink sync=false" ;;
    tee) echo "$source ! tee name=t t. ! queue ! $e ! fakesink sync=false t. ! queue ! $e ! fakesink sync=false" ;;
  esac
}
# measure CASE THREADS: "wall cpu" medians of RUNS runs.
measure() {
  local i line
  : >"$work/times"
  for ((i = 0; i < runs; i++)); do
    # shellcheck disable=SC2046
    line=$({ TIMEFORMAT='%R %U %S'; time gst-launch-1.0 -q $(pipeline "$1" "$2") >/dev/null; } 2>&1 | tail -1)
    echo "$line" >>"$work/times"
  done
  median() { sort -g | awk '{v[NR] = $1} END {printf "%.2f", v[int((NR + 1) / 2)]}'; }
  echo "$(awk '{print $1}' "$work/times" | median) $(awk '{print $2 + $3}' "$work/times" | median)"
}

# shellcheck disable=SC2046
gst-launch-1.0 -q $(pipeline one auto) >/dev/null # builds the plan once
echo "build $build, model $(basename "$model") at ${width}x${height}, source $source_name,"
echo "$frames frames, median of $runs runs; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| case | threads | wall s | frames/s | CPU s |"
echo "| --- | --- | ---: | ---: | ---: |"
for case in decode one chain tee; do
  for threads in auto 1; do
    [[ $case == decode && $threads == 1 ]] && continue
    [[ $has_threads == 0 && $threads == 1 ]] && continue
    read -r wall cpu <<<"$(measure "$case" "$threads")"
    label=$threads
    [[ $case == decode ]] && label="-"
    awk -v c="$case" -v t="$label" -v w="$wall" -v u="$cpu" -v f="$frames" \
      'BEGIN {printf "| %s | %s | %.2f | %.0f | %.2f |\n", c, t, w, f / w, u}'
  done
done

echo
echo "giexec, same model and shape, median of 300 runs after warm-up:"
for threads in 0 1; do
  "$giexec" --onnx="$model" --shapes="x:1x3x${height}x${width}" --backend=cpu --threads="$threads" \
    --iterations=300 --avgRuns=1 |
    sed -n "s/^Timing: .*median=\([0-9.]*\).*/threads=$threads: \1 ms per inference/p"
done
