#!/bin/sh
# Runs test_models on every real model available: the generated ResNet and
# MobileNetV2 (needs Debian's python3-onnx and numpy in /usr/bin/python3),
# PP-OCR when models/fetch_models.sh has fetched it, and the shared Caffe
# networks. Exit 77 (skip) when there is none.
# Usage: run_models_test.sh TEST_MODELS OUTPUT_DIR SOURCE_ROOT
test_models=$1
out=$2
root=$3
set --
if /usr/bin/python3 "$root/tests/passes/make_models.py" "$out" >/dev/null 2>&1; then
  set -- "$out/resnet18_small.onnx" "$out/mobilenet_v2_small.onnx"
else
  echo "generated models skipped: /usr/bin/python3 lacks onnx or numpy"
fi
for model in "$root"/models/downloads/ppocr/*.onnx "$root"/../shared/models/caffe/*.prototxt; do
  [ -f "$model" ] && set -- "$@" "$model"
done
# PP-OCR also on its real inputs (rendered text), where 1e-5 holds strictly.
ppocr="$root/models/downloads/ppocr"
if [ -f "$ppocr/det.onnx" ] &&
  /usr/bin/python3 "$root/models/make_inputs.py" "$out/ppocr-inputs" >/dev/null 2>&1; then
  set -- "$@" "$ppocr/det.onnx:$out/ppocr-inputs/det.bin:1x3x640x640" \
    "$ppocr/rec.onnx:$out/ppocr-inputs/rec.bin:1x3x48x320" \
    "$ppocr/cls.onnx:$out/ppocr-inputs/cls.bin:1x3x48x192"
fi
[ $# -eq 0 ] && exit 77
exec "$test_models" "$@"
