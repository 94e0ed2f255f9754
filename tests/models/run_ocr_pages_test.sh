#!/usr/bin/env bash
# The OCR pipeline (pipelines/ocr.sh: PP-OCR det -> trtdbnet -> cls on the
# regions -> trtclassify flip-class -> rec on the regions -> trtctc ->
# trtoverlay) on the CPU backend, over the demo's four rendered pages
# (models/make_pages.py, some lines upside down): at least 95% of the lines
# read exactly, the rest within one character edit (models/score_ocr.py),
# and every page drawn.
#
#   tests/models/run_ocr_pages_test.sh TRTINFER_APP PLUGIN_DIR WORKDIR [BACKEND]
#
# Exits 77 (skipped) where the models, Pillow or OpenCV's Python are missing.
set -euo pipefail

[[ $# -ge 3 ]] || { echo "usage: $0 TRTINFER_APP PLUGIN_DIR WORKDIR [BACKEND]" >&2; exit 2; }
app="$1" workdir="$3" backend="${4:-cpu}"
export GST_PLUGIN_PATH="$2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
downloads="${TRT_DOWNLOAD_DIR:-$root/models/downloads}"

"$root/models/fetch_models.sh" "$downloads" >&2 ||
  { echo "SKIP: could not fetch the PP-OCR models"; exit 77; }
/usr/bin/python3 -c 'import cv2, numpy, PIL' 2>/dev/null ||
  { echo "SKIP: no OpenCV or Pillow for Python (python3-opencv, python3-pil)"; exit 77; }
rm -rf "$workdir"
/usr/bin/python3 "$root/models/make_pages.py" "$workdir/pages" >/dev/null
"$root/pipelines/ocr.sh" "$app" "$downloads/ppocr" \
  "multifilesrc location=$workdir/pages/page-%d.png index=0 stop-index=3 \
   caps=image/png,framerate=1/1 ! pngdec" "$workdir/out" "$backend"
/usr/bin/python3 "$root/models/score_ocr.py" "$workdir/pages/pages.json" "$workdir/out/app.txt"
if gst-inspect-1.0 trtoverlay >/dev/null 2>&1; then
  for page in 0 1 2 3; do
    [[ -s $workdir/out/ocr-$page.png ]] || { echo "page $page was not drawn"; exit 1; }
  done
fi
