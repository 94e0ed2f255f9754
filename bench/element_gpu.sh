#!/usr/bin/env bash
# The element's GPU data path against the engine alone (issue 14), on the GPU
# machine: 1920x1080 NV12 frames from imagefreeze (a source that costs
# nothing), in system memory or in GPU memory (uploaded once by cudaupload)
# -> trtinfer (CUDA backend) -> fakesink, at batch 1, 16 and 64, one batch
# in flight and three, beside giexec's throughput on the same model, batch
# and precision. Where the system-memory frames lie (pinned or not) is
# printed first, from the element's log.
#
#   bench/element_gpu.sh OUTDIR MODEL.onnx [PRECISION] [FRAMES]
#
# PRECISION fp32 or fp16 (default fp16), FRAMES per timed run (default
# 2000, at least 1000 batches: a run must last well over a second, since
# start-up varies by a tenth of one; 20:14's 640 frames were mostly noise). Needs .gst-bundle (../shared/device/gst-bundle.sh) and
# build-gpu-gst/element-bundle (tools/build-gpu-element.sh), and giexec from
# build-gpu/bundle. Frames/s = (FRAMES2 - FRAMES1) / (t2 - t1) over two runs
# of FRAMES and 2 x FRAMES frames (times in microseconds), so that start-up (the engine loads from
# the plan the first run wrote) cancels. Writes OUTDIR/element_gpu.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$1" model="$2" precision="${3:-fp16}" frames="${4:-2000}"
bundle="$root/build-gpu-gst/element-bundle"
giexec="$root/build-gpu/bundle/bin/giexec"
# shellcheck disable=SC1091
source "$root/.gst-bundle/env.sh"
export GST_PLUGIN_PATH="$bundle/plugins${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
export LD_LIBRARY_PATH="$bundle/lib:$root/build-gpu/bundle/lib:$LD_LIBRARY_PATH"
mkdir -p "$out"
flags=(--fp16)
[[ $precision == fp32 ]] && flags=(--allowTF32)

run_pipeline() { # BATCH FRAMES IN_FLIGHT MEMORY: microseconds of wall time
  local start end upload=()
  # MEMORY cuda: the frame uploaded once (cudaupload, in the engine's
  # context), imagefreeze pushing it again and again in GPU memory
  # (the caps filter: cudaupload would rather pass system memory through)
  [[ ${4:-system} == cuda ]] && upload=(cudaupload ! "video/x-raw(memory:CUDAMemory)" !)
  start=$(date +%s%N)
  gst-launch-1.0 -q videotestsrc num-buffers=1 pattern=ball ! \
    video/x-raw,format=NV12,width=1920,height=1080,framerate=30/1 ! "${upload[@]}" \
    imagefreeze num-buffers="$2" ! \
    trtinfer model-file="$model" backend=cuda precision="$precision" batch-size="$1" \
      batches-in-flight="${3:-1}" engine-file="$out/engine_b$1_$precision.plan" ! \
    fakesink sync=false >/dev/null
  end=$(date +%s%N)
  echo $(((end - start) / 1000))
}

for memory in system cuda; do
  GST_DEBUG=trtinfer:4 run_pipeline 1 8 1 "$memory" 2>&1 |
    grep -oE "frames in [a-zA-Z' ]+ memory[^\"]*" | head -1 || true
done
{
  echo "### trtinfer on the GPU: $(basename "$model") $precision, 1080p NV12"
  echo
  echo "| frames in | batch | batches in flight | pipeline frames/s | giexec img/s | pipeline / engine |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
  for batch in 1 16 64; do
    run_pipeline "$batch" 2 >/dev/null # builds and saves the plan
    engine=$("$giexec" --onnx="$model" --batch="$batch" "${flags[@]}" --iterations=20 \
      --avgRuns=10 2>&1 | sed -n 's/.*Throughput: .* (\([0-9.]*\) inferences\/s.*/\1/p')
    # at least 1000 batches a run, so that start-up noise stays small
    count=$((frames > 1000 * batch ? frames : 1000 * batch))
    for memory in system cuda; do
      for in_flight in 1 3; do
        t1=$(run_pipeline "$batch" "$count" "$in_flight" "$memory")
        t2=$(run_pipeline "$batch" $((2 * count)) "$in_flight" "$memory")
        # the second run's extra frames must take a visible share of its
        # time, or start-up noise is all the difference shows (0: unstable)
        fps=$(python3 -c "d = $t2 - $t1; print($count * 1e6 / d if d > 0.2 * $t1 else 0)")
        if [[ $fps == 0 ]]; then
          printf '| %s memory | %d | %d | unstable (%d and %d us) | %.0f | - |\n' "$memory" \
            "$batch" "$in_flight" "$t1" "$t2" "${engine:-0}"
          continue
        fi
        printf '| %s memory | %d | %d | %.0f | %.0f | %.0f%% |\n' "$memory" "$batch" \
          "$in_flight" "$fps" "${engine:-0}" "$(python3 -c "print(100 * $fps / (${engine:-0} or 1))")"
      done
    done
    [[ $batch == 1 ]] && engine_ms=$(python3 -c "print(1e3 / (${engine:-0} or 1))")
  done
  # Per-frame latency at batch 1: from a frame entering trtinfer to its
  # leaving (trtinfer-app's pad probes), on a live 60 frames/s source (one
  # frame in the element at a time), against the engine's time per run.
  echo
  for memory in system cuda; do
    source="videotestsrc is-live=true num-buffers=240 pattern=ball ! "
    source+="video/x-raw,format=NV12,width=1920,height=1080,framerate=60/1"
    [[ $memory == cuda ]] && source+=' ! cudaupload ! video/x-raw(memory:CUDAMemory)'
    median=$(TRTINFER_APP_LATENCY=1 "$bundle/bin/trtinfer-app" "$model" "$source" 240 \
      "backend=cuda precision=$precision batch-size=1 engine-file=$out/engine_b1_$precision.plan" \
      2>&1 | sed -n 's/^latency through trtinfer: median \([0-9.]*\) ms.*/\1/p')
    python3 -c '
import sys
median, engine, memory = sys.argv[1], float(sys.argv[2]), sys.argv[3]
if not median:
    print(f"Batch 1, frames in {memory} memory: no latency measured")
else:
    verdict = "met" if float(median) <= engine + 0.5 else "not met"
    print(f"Batch 1, frames in {memory} memory: per-frame latency through trtinfer median "
          f"{float(median):.3f} ms (engine {engine:.3f} ms per run; bar <= engine + 0.5 ms: "
          f"{verdict})")
' "$median" "${engine_ms:-0}" "$memory"
  done
} | tee "$out/element_gpu.md"
