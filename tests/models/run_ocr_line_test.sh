#!/usr/bin/env bash
# PP-OCR's recognizer and direction classifier through the element, on the
# CPU backend: the rendered text line (models/make_inputs.py) -> trtinfer
# (rec) -> trtctc with PP-OCR's keys must read it exactly, and the upright
# line -> trtinfer (cls) -> trtclassify must say 0 degrees.
#
#   tests/models/run_ocr_line_test.sh TRTINFER_APP PLUGIN_DIR WORKDIR
#
# Exits 77 (skipped) where the models or OpenCV's Python are not available.
set -euo pipefail

[[ $# == 3 ]] || { echo "usage: $0 TRTINFER_APP PLUGIN_DIR WORKDIR" >&2; exit 2; }
app="$1" workdir="$3"
export GST_PLUGIN_PATH="$2"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
downloads="${TRT_DOWNLOAD_DIR:-$root/models/downloads}"

"$root/models/fetch_models.sh" "$downloads" >&2 ||
  { echo "SKIP: could not fetch the PP-OCR models"; exit 77; }
/usr/bin/python3 -c 'import cv2, numpy' 2>/dev/null ||
  { echo "SKIP: no OpenCV for Python (python3-opencv)"; exit 77; }
mkdir -p "$workdir"
/usr/bin/python3 "$root/models/make_inputs.py" "$workdir" >&2
truth=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["rec"]["text"])' \
  "$workdir/inputs.json")

# PP-OCR rec's preprocessing: BGR, (x/255 - 0.5) / 0.5, 48 rows, up to 320 columns
output=$("$app" "$downloads/ppocr/rec.onnx" \
  "filesrc location=$workdir/rec.png ! pngdec ! imagefreeze num-buffers=1" 1 \
  "backend=cpu width=320 height=48 keep-aspect-ratio=true channel-order=bgr \
   mean=<0.5,0.5,0.5> std=<0.5,0.5,0.5> unique-id=1 ! \
   trtctc infer-id=1 labels=$downloads/ppocr/keys.txt")
echo "$output"
read_text=$(sed -n 's/^  text: //p' <<<"$output" | head -n 1)
echo "read: \"$read_text\", rendered: \"$truth\""
[[ $read_text == "$truth" ]] || { echo "the recognized text differs"; exit 1; }

# PP-OCR cls on the upright line: 48x192, the same normalization; its two
# classes are 0 and 180 degrees
printf '0\n180\n' >"$workdir/directions.txt"
output=$("$app" "$downloads/ppocr/cls.onnx" \
  "filesrc location=$workdir/cls.png ! pngdec ! imagefreeze num-buffers=1" 1 \
  "backend=cpu width=192 height=48 keep-aspect-ratio=true channel-order=bgr \
   mean=<0.5,0.5,0.5> std=<0.5,0.5,0.5> unique-id=2 ! \
   trtclassify infer-id=2 labels=$workdir/directions.txt")
echo "$output" | grep "region"
grep -q "^  region 0 at" <<<"$output" || { echo "the upright line was not classified 0"; exit 1; }
