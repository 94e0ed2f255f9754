#!/usr/bin/env bash
# The main job: installs what is needed, builds, fetches the PP-OCRv4 text
# detection model, renders a page of text, and runs it through a GStreamer
# pipeline with the trtinfer element (on the GPU when there is one, else on
# the CPU backend). Prints each frame's tensors, then the text regions found,
# drawn on the page in build/demo-outputs/det-boxes.png; then reads a rendered
# text line with PP-OCR's recognizer and the trtctc decoder.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh build
bash models/fetch_models.sh models/downloads >/dev/null
inputs=build/demo-inputs
outputs=build/demo-outputs
/usr/bin/python3 models/make_inputs.py "$inputs" >/dev/null
echo "input: $inputs/det.png, a rendered page of text, as 5 video frames"

# The element builds the engine on the first run and loads det.plan afterwards.
export GST_PLUGIN_PATH="$PWD/build/gst"
rm -rf "$outputs"
TRTINFER_APP_DUMP="$outputs" build/gst/trtinfer-app models/downloads/ppocr/det.onnx \
  "filesrc location=$inputs/det.png ! pngdec ! imagefreeze num-buffers=5" 5 \
  "engine-file=build/det.plan backend=auto width=640 height=640 \
   mean=<0.485,0.456,0.406> std=<0.229,0.224,0.225>"
/usr/bin/python3 models/show_detections.py "$inputs/det.png" "$outputs/sigmoid_0.tmp_0.bin" \
  "$outputs/det-boxes.png"

echo
echo "a rendered text line, read by PP-OCR rec -> trtctc (truth: $(/usr/bin/python3 -c \
  'import json, sys; print(json.load(open(sys.argv[1]))["rec"]["text"])' "$inputs/inputs.json")):"
build/gst/trtinfer-app models/downloads/ppocr/rec.onnx \
  "filesrc location=$inputs/rec.png ! pngdec ! imagefreeze num-buffers=1" 1 \
  "engine-file=build/rec.plan backend=auto width=320 height=48 keep-aspect-ratio=true \
   channel-order=bgr mean=<0.5,0.5,0.5> std=<0.5,0.5,0.5> unique-id=1 ! \
   trtctc infer-id=1 labels=models/downloads/ppocr/keys.txt" | grep -E "^  (region|text)"

echo
echo "giexec on the detection model (engine build, latency):"
build/tools/giexec --onnx=models/downloads/ppocr/det.onnx --shapes=x:1x3x640x640 \
  --loadInputs=x:"$inputs/det.bin" --backend=auto --iterations=10 --avgRuns=1 | grep -E '^(Engine|Timing|Output)'
