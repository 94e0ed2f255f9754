#!/usr/bin/env bash
# Prepares the PP-OCR model test's data: fetches the models (models/fetch_models.sh), renders the
# inputs (models/make_inputs.py) and runs ONNX Runtime on them (models/ort_reference.mjs).
#
#   tests/models/make_references.sh OUTDIR
#
# Gives OUTDIR/{det,rec,cls}.bin (inputs) and OUTDIR/{det,rec,cls}/ (reference outputs and their
# outputs.txt). Prints the models' folder on its last line. Exits 77 (meson's "skipped") when
# the models or the tools to make references are not available here: no network, no Node.js,
# no Python with numpy and OpenCV. Models are kept in models/downloads (or $TRT_DOWNLOAD_DIR).
set -euo pipefail

skip() {
  echo "SKIP: $*" >&2
  exit 77
}

[[ $# == 1 ]] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
outdir="$1"
source_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
models="$source_root/models"
download_dir="${TRT_DOWNLOAD_DIR:-$models/downloads}"
export TRT_DOWNLOAD_DIR="$download_dir" # tells ort_reference.mjs where onnxruntime-node is

command -v node >/dev/null || skip "node not found (Node.js runs the ONNX Runtime reference)"
"$models/fetch_models.sh" "$download_dir" >&2 ||
  skip "could not fetch the PP-OCR models or onnxruntime-node (no network?)"

# The first Python that has numpy and OpenCV: $PYTHON, python3 on PATH, then the system's.
python=""
for candidate in ${PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import cv2, numpy' 2>/dev/null; then
    python="$candidate"
    break
  fi
done
[[ -n $python ]] || skip "no Python with numpy and OpenCV (Debian: python3-numpy python3-opencv)"

mkdir -p "$outdir"
"$python" "$models/make_inputs.py" "$outdir" >&2

# Model name and input shape; keep in step with make_inputs.py and test_ppocr.c.
for spec in det:1x3x640x640 rec:1x3x48x320 cls:1x3x48x192; do
  name="${spec%%:*}"
  shape="${spec#*:}"
  rm -rf "${outdir:?}/$name"
  node "$models/ort_reference.mjs" "$download_dir/ppocr/$name.onnx" "$outdir/$name.bin" \
    --shape "$shape" --outdir "$outdir/$name" >&2
done

echo "$download_dir/ppocr"
