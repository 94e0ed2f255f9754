#!/usr/bin/env bash
# PP-OCR in one pipeline: pages (or frames) of text -> text regions -> their
# direction -> their text, drawn on the frames.
#
#   pipelines/ocr.sh APP MODELS SOURCE OUTDIR [BACKEND]
#
# APP is trtinfer-app (it prints each frame's regions and text), MODELS the
# folder with PP-OCR's det.onnx, cls.onnx, rec.onnx and keys.txt, SOURCE a
# pipeline description giving raw video (say "multifilesrc location=page-%d.png
# index=0 stop-index=3 caps=image/png,framerate=1/1 ! pngdec"), BACKEND auto
# (default), cuda or cpu. Writes OUTDIR/app.txt (what APP printed),
# OUTDIR/ocr-N.png (the frames with the regions and text drawn, where
# trtoverlay is installed) and the
# engines (OUTDIR/*.plan: a second run loads them). Needs GST_PLUGIN_PATH to
# find trtinfer and trtoverlay.
#
#   trtinfer (det) -> trtdbnet                 text regions, corners in reading order
#   trtinfer process-mode=roi (cls)            each region cropped along its corners
#     -> trtclassify flip-class=1              regions read upside down are turned
#   trtinfer process-mode=roi (rec) -> trtctc  the text, into each region
#   trtoverlay
set -euo pipefail
[[ $# -ge 4 ]] || { echo "usage: $0 APP MODELS SOURCE OUTDIR [BACKEND]" >&2; exit 2; }
app=$1 models=$2 source=$3 out=$4 backend=${5:-auto}
mkdir -p "$out"
printf '0\n180\n' >"$out/directions.txt"
# The frames are drawn where the overlay plugin is (it needs cairo and pango).
draw="trtoverlay ! tee name=drawn ! queue ! videoconvert ! pngenc ! \
  multifilesink location=$out/ocr-%d.png drawn. ! queue"
gst-inspect-1.0 trtoverlay >/dev/null 2>&1 ||
  { draw="identity"; echo "ocr.sh: no trtoverlay here: the frames are not drawn" >&2; }
# PP-OCR's text line input: height 48, the width following the line (cls
# squeezes into 192 columns, rec reads up to 1280), padded on the right
line="keep-aspect-ratio=true fit-height=true pad-position=top-left channel-order=bgr \
  mean=<0.5,0.5,0.5> std=<0.5,0.5,0.5> process-mode=roi infer-on-id=1 batch-size=8 \
  backend=$backend"
"$app" "$models/det.onnx" "$source ! videoconvert ! video/x-raw,format=BGRx" 0 \
  "engine-file=$out/det.plan backend=$backend width=640 height=640 unique-id=1 \
   mean=<0.485,0.456,0.406> std=<0.229,0.224,0.225> ! trtdbnet infer-id=1 ! \
   trtinfer model-file=$models/cls.onnx engine-file=$out/cls.plan width=192 height=48 \
   unique-id=2 $line ! trtclassify infer-id=2 flip-class=1 labels=$out/directions.txt ! \
   trtinfer model-file=$models/rec.onnx engine-file=$out/rec.plan width=1280 height=48 \
   unique-id=3 $line ! trtctc infer-id=3 labels=$models/keys.txt ! $draw" >"$out/app.txt"
