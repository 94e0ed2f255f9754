#!/usr/bin/env bash
# Builds the GPU test bundle here (no GPU needed) for the GPU machine:
#
#   tools/build-gpu.sh [BUILD_DIR]        (default: build-gpu)
#
# Configures BUILD_DIR with the CUDA backend (sm_90 code + compute_80 PTX,
# cudart static, cuDNN and cuBLAS dynamic, no GStreamer), builds giexec, the
# conformance runner and tests/gpu, and gathers in BUILD_DIR/bundle what the
# GPU machine needs to run tests/gpu/run_gpu_tests.sh: the programs
# (stripped, sharing libtrtengine.so), libraries it may lack (protobuf-c, cudart), the PP-OCR models
# and their rendered inputs (models/make_inputs.py: det.bin etc., 6 MiB;
# needs /usr/bin/python3 with numpy and OpenCV, skipped with a note
# otherwise), the shared Caffe prototxts and our SSD one (tests/caffe/ssd_tiny.prototxt), and
# ONNX's conformance data (compressed). Carry
# BUILD_DIR/bundle (tens of MiB) to the GPU machine; nothing else is needed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build-gpu}"
cd "$root"

nvcc_path="$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)"
[[ -x "$nvcc_path" ]] || { echo "build-gpu: nvcc not found (PATH or /usr/local/cuda)" >&2; exit 1; }
nvcc_dir="$(dirname "$nvcc_path")"
export PATH="$nvcc_dir:$PATH"

if [[ ! -f "$build/build.ninja" ]]; then
  meson setup "$build" -Dcuda=enabled -Dgstreamer=disabled -Dtests=true -Dbuildtype=release \
    -Dengine_library=shared \
    "-Dgpu_gencode=-gencode=arch=compute_90,code=sm_90 -gencode=arch=compute_80,code=compute_80"
fi
programs=(tools/giexec tests/conformance/onnx_conformance tests/gpu/test_gpu_layers
          tests/gpu/test_gpu_plan tests/gpu/test_gpu_threads tests/gpu/test_gpu_models
          tests/gpu/test_gpu_precision tests/gpu/test_gpu_nhwc_conv tests/gpu/test_gpu_ssd
          tests/gpu/test_cuda_layers tests/gpu/test_cuda_conv tests/gpu/test_cuda_matmul
          tests/gpu/test_gpu_nms tests/gpu/test_gpu_plugin
          bench/image_bench)
# the Lite library (the Python module's) and the tests' plugin library
libraries=(engine/libtrtlite.so tests/plugins/libtrt_test_plugins.so)
ninja -C "$build" "${programs[@]}" "${libraries[@]}"

bundle="$build/bundle"
rm -rf "$bundle"
mkdir -p "$bundle/bin" "$bundle/lib" "$bundle/models/caffe" "$bundle/models/ppocr" "$bundle/data"
for program in "${programs[@]}"; do
  cp "$build/$program" "$bundle/bin/"
  strip "$bundle/bin/$(basename "$program")"
done
# Shared libraries the GPU machine may not have (it has CUDA 13, cuDNN, cuBLAS).
cp -L "$build/engine/libtrtengine.so" "$bundle/lib/"
strip "$bundle/lib/libtrtengine.so"
for library in "${libraries[@]}"; do
  cp -L "$build/$library" "$bundle/lib/"
done
cp tests/data/onnx/scaled_square.onnx "$bundle/data/"
# the Python module (python/trtinfer, its _config.py from the build)
mkdir -p "$bundle/python/trtinfer"
cp python/trtinfer/__init__.py python/trtinfer/lite.py "$build/python/_config.py" \
  "$bundle/python/trtinfer/"
for library in libprotobuf-c.so.1 libcudart.so.13; do
  found="$(ldd "$build/tools/giexec" | awk -v l="$library" '$1 == l {print $3}')"
  [[ -n "$found" ]] && cp -L "$found" "$bundle/lib/"
done
cp tests/data/onnx/conv_relu_pool.onnx "$bundle/data/"
[[ -d models/downloads/ppocr ]] && cp models/downloads/ppocr/*.onnx "$bundle/models/ppocr/"
# Real inputs for PP-OCR (det on random noise is too sensitive to compare
# backends meaningfully): rendered here, where OpenCV is, small enough to carry.
if [[ -f "$bundle/models/ppocr/det.onnx" ]]; then
  if /usr/bin/python3 -c 'import cv2, numpy' 2>/dev/null; then
    /usr/bin/python3 models/make_inputs.py "$bundle/models/ppocr/inputs" >/dev/null
    rm -f "$bundle/models/ppocr/inputs/"*.png
  else
    echo "build-gpu: no numpy/OpenCV for /usr/bin/python3: PP-OCR runs on random inputs only" >&2
  fi
fi
[[ -d ../shared/models/caffe ]] && cp ../shared/models/caffe/*.prototxt "$bundle/models/caffe/"
# Our own SSD deploy file (PriorBox, DetectionOutput, Normalize): test_gpu_models compares it
# with the rest, test_gpu_ssd detection by detection.
cp tests/caffe/ssd_tiny.prototxt "$bundle/models/caffe/"
testdata="${ONNX_TESTDATA:-/usr/share/libonnx-testdata/data}"
if [[ -d "$testdata" ]]; then
  tar -C "$testdata" -cJf "$bundle/data/onnx-testdata.tar.xz" node pytorch-converted \
    pytorch-operator simple
fi
du -sh "$bundle"
echo "bundle ready: $bundle (run: tests/gpu/run_gpu_tests.sh OUTDIR on the GPU machine)"
