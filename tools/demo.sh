#!/usr/bin/env bash
# The main job: installs what is needed, builds, fetches the PP-OCRv4 text
# detection model, renders a page of text, and runs it through giexec on the
# GPU when there is one, else on the CPU backend, printing the output and
# the timing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh build
bash models/fetch_models.sh models/downloads >/dev/null
inputs=build/demo-inputs
/usr/bin/python3 models/make_inputs.py "$inputs" >/dev/null
echo "input: $inputs/det.png (a rendered page of text), normalized to $inputs/det.bin"
outputs=build/demo-outputs
build/tools/giexec --onnx=models/downloads/ppocr/det.onnx --shapes=x:1x3x640x640 \
  --loadInputs=x:"$inputs/det.bin" --exportOutputs="$outputs" --backend=auto --iterations=10 \
  --avgRuns=1 "$@"
/usr/bin/python3 models/show_detections.py "$inputs/det.png" "$outputs/sigmoid_0.tmp_0.bin" \
  "$outputs/det-boxes.png"
