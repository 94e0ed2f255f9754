#!/usr/bin/env bash
# On the GPU machine: runs PP-OCR text detection through the trtinfer element
# on the CUDA backend and on the CPU backend, and compares the tensors that
# the meta carries (relative L2 <= 1e-4 over a whole model).
#
#   tests/gpu/run_element_gpu.sh OUTDIR   (needs .gst-bundle and
#                                          build-gpu-gst/element-bundle)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$1"
bundle="$root/build-gpu-gst/element-bundle"
# shellcheck disable=SC1091
source "$root/.gst-bundle/env.sh"
export GST_PLUGIN_PATH="$bundle/plugins${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}"
export LD_LIBRARY_PATH="$bundle/lib:$LD_LIBRARY_PATH"
mkdir -p "$out"
gst-inspect-1.0 trtinfer | grep -E "^  (backend|engine-file)" || { echo "trtinfer not found"; exit 1; }
properties="width=640 height=640 mean=<0.485,0.456,0.406> std=<0.229,0.224,0.225>"
for backend in cuda cpu; do
  echo "== backend=$backend"
  TRTINFER_APP_DUMP="$out/$backend" "$bundle/bin/trtinfer-app" "$bundle/data/det.onnx" \
    "filesrc location=$bundle/data/det.png ! pngdec ! imagefreeze num-buffers=8" 8 \
    "backend=$backend batch-size=4 engine-file=$out/det-$backend.plan $properties"
done
echo "== engine cache: second start loads the CUDA plan"
GST_DEBUG=trtinfer:4 "$bundle/bin/trtinfer-app" "$bundle/data/det.onnx" \
  "filesrc location=$bundle/data/det.png ! pngdec ! imagefreeze num-buffers=2" 2 \
  "backend=cuda batch-size=4 engine-file=$out/det-cuda.plan $properties" 2>&1 |
  grep -iE "load|built|engine" | head -5
python3 - "$out" <<'PY'
import sys, numpy as np
out = sys.argv[1]
gpu = np.fromfile(f"{out}/cuda/sigmoid_0.tmp_0.bin", dtype=np.float32).astype(np.float64)
cpu = np.fromfile(f"{out}/cpu/sigmoid_0.tmp_0.bin", dtype=np.float32).astype(np.float64)
error = np.linalg.norm(gpu - cpu) / np.linalg.norm(cpu)
print(f"element CUDA vs CPU, PP-OCR det on the rendered page: relative L2 {error:.3g}")
sys.exit(0 if error <= 1e-4 else 1)
PY
