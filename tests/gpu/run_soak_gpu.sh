#!/usr/bin/env bash
# On the GPU machine: soak and out-of-memory for the trtinfer element on the
# CUDA backend (issue 10, deliverable 6). Needs .gst-bundle and the element
# bundle of tools/build-gpu-element.sh (as tests/gpu/run_element_gpu.sh).
#
#   tests/gpu/run_soak_gpu.sh OUTDIR [FRAMES]     (FRAMES: default 1000000)
#
# 1. Soak: FRAMES 32x32 frames through trtinfer (backend=cuda, the element
#    tests' tiny classifier, batch-size 64) into fakesink as fast as they go;
#    host RSS (ps) and GPU memory (nvidia-smi: the process's, and the card's)
#    sampled every SAMPLE_S seconds into OUTDIR/soak_memory.log; reports the
#    first sample after the warm-up, the last and the maximum, and fails when
#    host RSS grew more than RSS_BOUND_MIB or the process's GPU memory more
#    than GPU_BOUND_MIB between them.
# 2. GPU out of memory: a model whose activations at batch-size 1024 and
#    640x640 need 400 GiB (a 1x1 convolution to 256 channels, then back to
#    one; the input batch is 4.7 GiB of host memory): the element must fail
#    with a clear error (a bus ERROR saying memory) and exit, not crash.
# Takes about 2-5 minutes on an H200 (SOAK_TIMEOUT_S bounds the soak).
# BACKEND=cpu ELEMENT_BUNDLE=DIR (a folder with plugins/) smoke-test the
# script itself on a machine without a GPU.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?usage: run_soak_gpu.sh OUTDIR [FRAMES]}"
frames="${2:-1000000}"
sample_s="${SAMPLE_S:-3}"
warmup_s="${WARMUP_S:-10}"
rss_bound_mib="${RSS_BOUND_MIB:-32}"
gpu_bound_mib="${GPU_BOUND_MIB:-16}"
soak_timeout_s="${SOAK_TIMEOUT_S:-360}"
backend="${BACKEND:-cuda}"
bundle="${ELEMENT_BUNDLE:-$root/build-gpu-gst/element-bundle}"
# shellcheck disable=SC1091
[[ -f "$root/.gst-bundle/env.sh" && -z "${ELEMENT_BUNDLE:-}" ]] && source "$root/.gst-bundle/env.sh"
export GST_PLUGIN_PATH="$bundle/plugins${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
export LD_LIBRARY_PATH="$bundle/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GST_DEBUG_NO_COLOR=1
mkdir -p "$out"
gst-inspect-1.0 trtinfer >/dev/null || { echo "trtinfer not found"; exit 1; }
model="$bundle/data/classifier.onnx"
[[ -f "$model" ]] || model="$root/tests/element/data/classifier.onnx"
failed=0

# GPU memory of one process (MiB; 0 when it holds none yet) and of the card.
gpu_process_mib() {
  nvidia-smi --query-compute-apps=pid,used_memory --format=csv,noheader,nounits 2>/dev/null |
    awk -F', *' -v pid="$1" '$1 == pid {sum += $2} END {print sum + 0}'
}
gpu_total_mib() {
  nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits 2>/dev/null | head -n 1
}

echo "== soak: $frames frames of 32x32 RGB, batch-size 64, backend=$backend ($model)"
log="$out/soak_memory.log"
echo "# seconds host_rss_kib gpu_process_mib gpu_used_mib" >"$log"
start=$(date +%s)
GST_DEBUG=trtinfer:4 timeout "$soak_timeout_s" gst-launch-1.0 -e \
  videotestsrc num-buffers="$frames" pattern=snow \
  ! video/x-raw,format=RGB,width=32,height=32,framerate=1000/1 \
  ! trtinfer backend="$backend" model-file="$model" engine-file="$out/classifier-cuda-b64.plan" \
    batch-size=64 \
  ! fakesink sync=false >"$out/soak_gst.log" 2>&1 &
pid=$!
# timeout runs gst-launch-1.0 as its child: sample that one
sleep 1
gst_pid=$(pgrep -P "$pid" -f gst-launch-1.0 || echo "$pid")
while kill -0 "$pid" 2>/dev/null; do
  now=$(($(date +%s) - start))
  rss=$(ps -o rss= -p "$gst_pid" 2>/dev/null | tr -d ' ')
  [[ -n "$rss" ]] && echo "$now $rss $(gpu_process_mib "$gst_pid") $(gpu_total_mib)" >>"$log"
  sleep "$sample_s"
done
wait "$pid"
rc=$?
elapsed=$(($(date +%s) - start))
grep -E "engine \(|ERROR|WARN" "$out/soak_gst.log" | head -5
if [[ $rc -ne 0 ]]; then
  echo "soak: gst-launch-1.0 exited with $rc after ${elapsed}s (124: timed out)"
  tail -5 "$out/soak_gst.log"
  failed=1
elif ! grep -q "$backend backend" "$out/soak_gst.log"; then
  echo "soak: the element did not say it runs on the $backend backend"
  failed=1
else
  echo "soak: $frames frames in ${elapsed}s ($((frames / (elapsed > 0 ? elapsed : 1))) frames/s)"
fi
awk -v warm="$warmup_s" -v rb="$rss_bound_mib" -v gb="$gpu_bound_mib" '
  /^#/ {next}
  {n++; t[n] = $1; r[n] = $2; g[n] = $3; u[n] = $4
   if ($2 > rmax) rmax = $2; if ($3 > gmax) gmax = $3; if ($4 > umax) umax = $4
   if (!f && $1 >= warm) f = n}
  END {
    if (n < 2) {print "soak: fewer than 2 memory samples"; exit 1}
    if (!f || f == n) f = 1
    printf "soak memory: %d samples; first after %ds warm-up (t=%ds) / last (t=%ds) / max\n", n, warm, t[f], t[n]
    printf "  host RSS:           %8.1f / %8.1f / %8.1f MiB (%+.1f MiB, bound %d)\n", r[f]/1024, r[n]/1024, rmax/1024, (r[n]-r[f])/1024, rb
    printf "  GPU, this process:  %8d / %8d / %8d MiB (%+d MiB, bound %d)\n", g[f], g[n], gmax, g[n]-g[f], gb
    printf "  GPU, whole card:    %8d / %8d / %8d MiB\n", u[f], u[n], umax
    bad = (r[n] - r[f]) / 1024 > rb || g[n] - g[f] > gb
    if (bad) print "soak: memory grew past its bound"
    exit bad
  }' "$log" || failed=1

echo "== GPU out of memory: 400 GiB of activations (batch-size 1024 at 640x640)"
cat >"$out/activation_hog.prototxt" <<'EOF'
name: "activation_hog"
input: "data"
input_shape { dim: 1 dim: 3 dim: 640 dim: 640 }
layer {
  name: "wide" type: "Convolution" bottom: "data" top: "wide"
  convolution_param { num_output: 256 kernel_size: 1 }
}
layer {
  name: "narrow" type: "Convolution" bottom: "wide" top: "out"
  convolution_param { num_output: 1 kernel_size: 1 }
}
EOF
timeout 120 gst-launch-1.0 videotestsrc num-buffers=2 \
  ! video/x-raw,format=RGB,width=640,height=640 \
  ! trtinfer backend="$backend" model-file="$out/activation_hog.prototxt" batch-size=1024 \
  ! fakesink >"$out/oom_gst.log" 2>&1
rc=$?
grep -E "^ERROR|^[^ ]*: " "$out/oom_gst.log" | head -4
# gst-launch-1.0 says 255 for an error; timeout says 124, or 128+N for signal N
if [[ $rc -eq 124 || ( $rc -gt 128 && $rc -lt 255 ) ]]; then
  echo "oom: FAILED: gst-launch-1.0 ended with $rc (the timeout or a signal), not an error"
  failed=1
elif [[ $rc -eq 0 ]]; then
  echo "oom: FAILED: the pipeline ran (no memory error at batch-size 1024?)"
  failed=1
elif ! grep -qiE "ERROR: from element .*trtinfer.*(memory|more than the limit)" "$out/oom_gst.log"; then
  echo "oom: FAILED: exit $rc without a trtinfer error about memory"
  failed=1
else
  echo "oom: a clear error, exit status $rc"
fi

# A plan the soak wrote must be whole: a second start loads it.
echo "== the soak's plan loads"
GST_DEBUG=trtinfer:4 gst-launch-1.0 videotestsrc num-buffers=64 \
  ! video/x-raw,format=RGB,width=32,height=32 \
  ! trtinfer backend="$backend" model-file="$model" engine-file="$out/classifier-cuda-b64.plan" \
    batch-size=64 ! fakesink sync=false 2>&1 | grep -E "loaded engine|built engine|WARN" | head -3
for leftover in "$out"/*.tmp*; do
  [[ -e "$leftover" ]] && { echo "temp file left: $leftover"; failed=1; }
done

[[ $failed -eq 0 ]] && echo "run_soak_gpu: PASS" || echo "run_soak_gpu: FAIL"
exit "$failed"
