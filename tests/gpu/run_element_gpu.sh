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
page="filesrc location=$bundle/data/det.png ! pngdec"
for run in cuda cpu cuda-fp16 cuda-in-flight cuda-device-out cuda-cudaupload; do
  echo "== $run"
  backend="${run%%-*}" precision=fp32 extra="" source="$page ! imagefreeze num-buffers=8"
  [[ $run == *-fp16 ]] && precision=fp16
  # three batches of 4 taking turns: 8 frames leave at the next runs and EOS
  [[ $run == *-in-flight ]] && extra="batches-in-flight=3"
  # tensors left in GPU memory: the app reads them through the meta, which
  # copies each batch's block to the host at the first map
  [[ $run == *-device-out ]] && extra="output-memory=device batches-in-flight=2"
  # frames uploaded by cudaupload: trtinfer gives it the engine's CUDA
  # context and reads them in place (the log says so)
  [[ $run == *-cudaupload ]] &&
    source="$page ! videoconvert ! video/x-raw,format=RGBA ! imagefreeze num-buffers=8 ! cudaupload ! video/x-raw(memory:CUDAMemory)"
  GST_DEBUG=trtinfer:4 TRTINFER_APP_DUMP="$out/$run" "$bundle/bin/trtinfer-app" "$det" \
    "$source" 8 \
    "backend=$backend precision=$precision batch-size=4 engine-file=$out/det-$backend-$precision.plan $properties $extra" \
    >"$out/$run.log" 2>&1 || { tail -20 "$out/$run.log"; exit 1; }
  grep -E "^frame 0|read in place|system memory" "$out/$run.log" | sed 's/.*trtinfer[^ ]* //'
  if [[ $run == *-cudaupload ]]; then
    grep -q "read in place" "$out/$run.log" || { echo "CUDA memory was not read in place"; exit 1; }
  fi
  # imagefreeze's frames are not from the offered pool: registered in place
  if [[ $run == cuda ]]; then
    grep -q "page-locked (registered)" "$out/$run.log" ||
      { echo "upstream memory was not page-locked"; exit 1; }
  fi
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
                   ("cuda-device-out", 1e-4), ("cuda-cudaupload", 1e-4)):
    error = np.linalg.norm(load(run) - cpu) / np.linalg.norm(cpu)
    print(f"element {run} vs CPU, PP-OCR det on the rendered page: relative L2 {error:.3g} "
          f"(limit {limit:g})")
    ok = ok and error <= limit
sys.exit(0 if ok else 1)
PY
echo "== NVDEC: a 1080p H.264 clip decoded on the GPU, then trtinfer (CUDA, GPU preprocessing)"
# The decoder's frames in CUDA memory, read in place, against the same
# frames brought down to system memory (cudadownload) and uploaded again:
# the same tensors.
decode="filesrc location=$bundle/data/clip.mp4 ! qtdemux ! h264parse ! nvh264dec"
for run in nvdec-device nvdec-system; do
  source="$decode ! video/x-raw(memory:CUDAMemory)"
  [[ $run == nvdec-system ]] && source="$decode ! cudadownload"
  GST_DEBUG=trtinfer:4 TRTINFER_APP_DUMP="$out/$run" "$bundle/bin/trtinfer-app" "$det" \
    "$source" 8 "backend=cuda batch-size=4 engine-file=$out/det-cuda-fp32.plan $properties" \
    >"$out/$run.log" 2>&1 || { tail -20 "$out/$run.log"; exit 1; }
  grep -E "^frame 0|read in place|system memory" "$out/$run.log" | sed 's/.*trtinfer[^ ]* //'
done
grep -q "read in place" "$out/nvdec-device.log" || { echo "NVDEC frames were not read in place"; exit 1; }
python3 - "$out" <<'PY'
import sys, numpy as np
out = sys.argv[1]
device, system = (np.fromfile(f"{out}/{run}/sigmoid_0.tmp_0.bin", dtype=np.float32)
                  .astype(np.float64) for run in ("nvdec-device", "nvdec-system"))
error = np.linalg.norm(device - system) / max(np.linalg.norm(system), 1e-30)
print(f"NVDEC frames in CUDA memory vs through system memory: relative L2 {error:.3g} (limit 1e-6)")
sys.exit(0 if error <= 1e-6 else 1)
PY
start=$(date +%s%N)
# shellcheck disable=SC2086 # the properties are words of the launch line
gst-launch-1.0 -q $decode ! "video/x-raw(memory:CUDAMemory)" ! \
  trtinfer model-file="$det" backend=cuda batch-size=4 \
    engine-file="$out/det-cuda-fp32.plan" $properties ! fakesink >"$out/nvdec.log" 2>&1 ||
  { tail -20 "$out/nvdec.log"; exit 1; }
echo "60 frames decoded into CUDA memory and inferred in $(( ($(date +%s%N) - start) / 1000000 )) ms (start-up included)"
echo "== trtdetect: YOLO decode and NMS on the GPU (output-memory=device) against the host's"
for memory in device system; do
  GST_DEBUG=trtdetect:4 "$bundle/bin/trtinfer-app" "$bundle/data/yolov8.onnx" \
    "$page ! imagefreeze num-buffers=2" 2 \
    "backend=cuda output-memory=$memory unique-id=1 ! trtdetect infer-id=1" \
    >"$out/detect-$memory.log" 2>&1 || { tail -20 "$out/detect-$memory.log"; exit 1; }
done
grep -q "suppressed on GPU" "$out/detect-device.log" ||
  { echo "trtdetect did not run NMS on the GPU"; exit 1; }
diff <(grep "^  region" "$out/detect-device.log") <(grep "^  region" "$out/detect-system.log") ||
  { echo "regions differ between the GPU's NMS and the host's"; exit 1; }
grep "^  region" "$out/detect-device.log" | head -2
echo "== OCR in one pipeline on the GPU (pipelines/ocr.sh: det, cls and rec on CUDA engines)"
mkdir -p "$out/ppocr"
for file in det.onnx cls.onnx rec.onnx; do
  ln -sf "$root/build-gpu/bundle/models/ppocr/$file" "$out/ppocr/$file"
done
ln -sf "$bundle/data/keys.txt" "$out/ppocr/keys.txt"
pages="$bundle/data/pages"
"$root/pipelines/ocr.sh" "$bundle/bin/trtinfer-app" "$out/ppocr" \
  "multifilesrc location=$pages/page-%d.png index=0 stop-index=3 caps=image/png,framerate=1/1 \
   ! pngdec" "$out/ocr" cuda 2>&1 | tail -3
python3 "$root/models/score_ocr.py" "$pages/pages.json" "$out/ocr/app.txt" | tail -4
