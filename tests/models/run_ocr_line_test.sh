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

# PP-OCR det on the rendered page -> trtdbnet: each line the page drew is
# covered (80% of its width at least) by regions centred on it, and no
# region lies off the lines
output=$("$app" "$downloads/ppocr/det.onnx" \
  "filesrc location=$workdir/det.png ! pngdec ! imagefreeze num-buffers=1" 1 \
  "backend=cpu width=640 height=640 mean=<0.485,0.456,0.406> std=<0.229,0.224,0.225> \
   unique-id=3 ! trtdbnet infer-id=3")
echo "$output" >"$workdir/det-regions.txt"
/usr/bin/python3 - "$workdir/inputs.json" "$workdir/det-regions.txt" <<'PY'
import json, re, sys
lines = json.load(open(sys.argv[1]))["det"]["lines"]
regions = [tuple(map(int, m.groups())) for m in
           re.finditer(r"region text at (\d+),(\d+) (\d+)x(\d+)", open(sys.argv[2]).read())]
print(f"{len(regions)} text regions for {len(lines)} lines")
ok = True
for x, y, w, h in lines:
    on_line = [r for r in regions if y <= r[1] + r[3] / 2 <= y + h]
    covered = sum(max(0, min(x + w, rx + rw) - max(x, rx)) for rx, _, rw, _ in on_line)
    if covered < 0.8 * w:
        print(f"line at {x},{y} {w}x{h}: {covered} of {w} columns covered")
        ok = False
for rx, ry, rw, rh in regions:
    if not any(y <= ry + rh / 2 <= y + h for _, y, _, h in lines):
        print(f"region at {rx},{ry} {rw}x{rh} is on no line")
        ok = False
sys.exit(0 if ok else 1)
PY
