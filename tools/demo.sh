#!/usr/bin/env bash
# The main job: installs what is needed, builds, fetches PP-OCR's models,
# renders four pages of text (a few lines printed upside down) and reads
# them in one GStreamer pipeline, on the GPU when there is one, else on the
# CPU backend:
#
#   pages -> trtinfer (PP-OCR det) -> trtdbnet (text regions)
#         -> trtinfer process-mode=roi (PP-OCR cls) -> trtclassify flip-class=1
#            (regions read upside down are turned)
#         -> trtinfer process-mode=roi (PP-OCR rec) -> trtctc (the text)
#         -> trtoverlay (drawn into build/demo-outputs/ocr-N.png)
#
# (pipelines/ocr.sh). Prints every line read beside the rendered truth and
# how many match; the engines are kept in build/demo-outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
bash tools/build.sh build
bash models/fetch_models.sh models/downloads >/dev/null
models=models/downloads/ppocr
inputs=build/demo-inputs
outputs=build/demo-outputs
/usr/bin/python3 models/make_pages.py "$inputs" >/dev/null
echo "input: $inputs/page-0.png .. page-3.png, four rendered pages of text, as a 1 frame/s video"

# Each trtinfer builds its engine on the first run and loads the plan after.
export GST_PLUGIN_PATH="$PWD/build/gst"
pipelines/ocr.sh build/gst/trtinfer-app "$models" \
  "multifilesrc location=$inputs/page-%d.png index=0 stop-index=3 caps=image/png,framerate=1/1 \
   ! pngdec" "$outputs"
/usr/bin/python3 models/score_ocr.py "$inputs/pages.json" "$outputs/app.txt"
echo "drawn: $outputs/ocr-0.png .. ocr-3.png"
