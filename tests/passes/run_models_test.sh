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
[ $# -eq 0 ] && exit 77
exec "$test_models" "$@"
