#!/usr/bin/env bash
# On the GPU machine: checks the GPU preprocessing against the CPU's
# (test_gpu_preprocess), then runs PP-OCR text detection through the trtinfer
# element on the CUDA backend (FP32 and FP16: frames preprocessed on the GPU;
# batches in flight; tensors left in GPU memory)
# and on the CPU backend, and compares the tensors that the meta carries
# (relative L2 over a whole model: <= 1e-4 in FP32, <= 1e-2 in FP16).
#
#   tests/gpu/run_element_gpu.sh OUTDIR   (needs .gst-bundle,
#                                          build-gpu-gst/element-bundle and
#                                          PP-OCR det in build-gpu/bundle)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$1"
bundle="$root/build-gpu-gst/element-bundle"
# the engine bundle's copy (tools/build-gpu.sh): one copy to carry, not two
det="$root/build-gpu/bundle/models/ppocr/det.onnx"
# shellcheck disable=SC1091
source "$root/.gst-bundle/env.sh"
export GST_PLUGIN_PATH="$bundle/plugins${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
export LD_LIBRARY_PATH="$bundle/lib:$LD_LIBRARY_PATH"
mkdir -p "$out"
gst-inspect-1.0 trtinfer | grep -E "^  (backend|engine-file)" || { echo "trtinfer not found"; exit 1; }
echo "== GPU preprocessing against the CPU's"
"$bundle/bin/test_gpu_preprocess" >"$out/preprocess.log" 2>&1 ||
  { grep -v "^ok" "$out/preprocess.log" | head -20; exit 1; }
tail -1 "$out/preprocess.log"
properties="width=640 height=640 mean=<0.485,0.456,0.406> std=<0.229,0.224,0.225>"
for run in cuda cpu cuda-fp16 cuda-in-flight cuda-device-out; do
  echo "== $run"
  backend="${run%%-*}" precision=fp32 extra=""
  [[ $run == *-fp16 ]] && precision=fp16
  # three batches of 4 taking turns: 8 frames leave at the next runs and EOS
  [[ $run == *-in-flight ]] && extra="batches-in-flight=3"
  # tensors left in GPU memory: the app reads them through the meta, which
  # copies each batch's block to the host at the first map
  [[ $run == *-device-out ]] && extra="output-memory=device batches-in-flight=2"
  TRTINFER_APP_DUMP="$out/$run" "$bundle/bin/trtinfer-app" "$det" \
    "filesrc location=$bundle/data/det.png ! pngdec ! imagefreeze num-buffers=8" 8 \
    "backend=$backend precision=$precision batch-size=4 engine-file=$out/det-$backend-$precision.plan $properties $extra"
done
echo "== engine cache: second start loads the CUDA plan"
GST_DEBUG=trtinfer:4 "$bundle/bin/trtinfer-app" "$det" \
  "filesrc location=$bundle/data/det.png ! pngdec ! imagefreeze num-buffers=2" 2 \
  "backend=cuda batch-size=4 engine-file=$out/det-cuda-fp32.plan $properties" 2>&1 |
  grep -iE "load|built|engine" | head -5
echo "== four branches on one CUDA engine (shared: one built, three shared)"
branch="queue ! trtinfer backend=cuda batch-size=4 $properties model-file=$det ! fakesink"
# shellcheck disable=SC2086 # each branch is words of the launch line
gst-launch-1.0 -m filesrc location="$bundle/data/det.png" ! pngdec ! imagefreeze num-buffers=16 ! \
  tee name=t t. ! $branch t. ! $branch t. ! $branch t. ! $branch >"$out/shared.log" 2>&1 ||
  { tail -20 "$out/shared.log"; exit 1; }
actions=$(grep -o 'action=(string)[a-z-]*' "$out/shared.log" | sort | uniq -c | tr -s ' ')
echo "$actions"
[[ $(grep -c 'action=(string)shared' "$out/shared.log") == 3 ]] ||
  { echo "expected three shared engines"; exit 1; }
python3 - "$out" <<'PY'
import sys, numpy as np
out = sys.argv[1]
def load(run):
    return np.fromfile(f"{out}/{run}/sigmoid_0.tmp_0.bin", dtype=np.float32).astype(np.float64)
cpu = load("cpu")
ok = True
for run, limit in (("cuda", 1e-4), ("cuda-fp16", 1e-2), ("cuda-in-flight", 1e-4),
                   ("cuda-device-out", 1e-4)):
    error = np.linalg.norm(load(run) - cpu) / np.linalg.norm(cpu)
    print(f"element {run} vs CPU, PP-OCR det on the rendered page: relative L2 {error:.3g} "
          f"(limit {limit:g})")
    ok = ok and error <= limit
sys.exit(0 if ok else 1)
PY
echo "== NVDEC: a 1080p H.264 clip decoded on the GPU, then trtinfer (CUDA, GPU preprocessing)"
# The frames come down to system memory (cudadownload) until the element
# takes CUDA memory itself; this checks the decoder and the element together.
start=$(date +%s%N)
# shellcheck disable=SC2086 # the properties are words of the launch line
gst-launch-1.0 -q filesrc location="$bundle/data/clip.mp4" ! qtdemux ! h264parse ! nvh264dec ! \
  cudadownload ! video/x-raw,format=NV12 ! \
  trtinfer model-file="$det" backend=cuda batch-size=4 \
    engine-file="$out/det-cuda-fp32.plan" $properties ! fakesink >"$out/nvdec.log" 2>&1 ||
  { tail -20 "$out/nvdec.log"; exit 1; }
echo "60 frames in $(( ($(date +%s%N) - start) / 1000000 )) ms (start-up included)"
