#!/usr/bin/env bash
# Builds the trtinfer plugin with the CUDA backend and gathers what the GPU
# machine needs to run it (it has CUDA but no GStreamer: carry .gst-bundle
# from ../shared/device/gst-bundle.sh too):
#
#   tools/build-gpu-element.sh [BUILD_DIR]     (default: build-gpu-gst)
#
# Gives BUILD_DIR/element-bundle: the plugin, the tensor meta library, the
# example application, the GPU preprocessing test, libprotobuf-c, a
# rendered text page (PP-OCR det itself comes from tools/build-gpu.sh's
# bundle), the element tests' tiny classifier (for
# tests/gpu/run_soak_gpu.sh) and a 1080p H.264 clip (x264enc, from
# gstreamer1.0-plugins-ugly) for the NVDEC run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-build-gpu-gst}"
cd "$root"
if ! command -v nvcc >/dev/null && [[ -x /usr/local/cuda/bin/nvcc ]]; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi
if [[ ! -f "$build/build.ninja" ]]; then
  meson setup "$build" -Dcuda=enabled -Dgstreamer=enabled -Dtests=true -Dbuildtype=release \
    "-Dgpu_gencode=-gencode=arch=compute_90,code=sm_90 -gencode=arch=compute_80,code=compute_80"
fi
# only the targets below are built: the test suites need not be
meson configure "$build" -Dtests=true >/dev/null
ninja -C "$build" gst/libgsttrtinfer.so gst/trtinfer-app tests/element/test_gpu_preprocess
bundle="$build/element-bundle"
rm -rf "$bundle"
mkdir -p "$bundle/plugins" "$bundle/lib" "$bundle/bin" "$bundle/data"
cp "$build/gst/libgsttrtinfer.so" "$bundle/plugins/"
cp -L "$build"/gst/tensormeta/libgsttrttensormeta-1.0.so.0 "$bundle/lib/"
cp "$build/gst/trtinfer-app" "$build/tests/element/test_gpu_preprocess" "$bundle/bin/"
strip "$bundle/plugins/"*.so "$bundle/lib/"*.so* "$bundle/bin/"*
cp -L "$(ldd "$build/gst/libgsttrtinfer.so" | awk '$1 == "libprotobuf-c.so.1" {print $3}')" \
  "$bundle/lib/"
bash models/fetch_models.sh models/downloads >/dev/null
# the element tests' tiny classifier, for tests/gpu/run_soak_gpu.sh
cp tests/element/data/classifier.onnx "$bundle/data/"
# a constant YOLOv8 output, for trtdetect's NMS on the GPU there
cp tests/element/data/yolov8.onnx "$bundle/data/"
/usr/bin/python3 models/make_inputs.py "$build/inputs" >/dev/null
cp "$build/inputs/det.png" "$bundle/data/"
# the OCR demo's pages and their truth, and PP-OCR rec's dictionary, for
# the OCR pipeline there (pipelines/ocr.sh; no Pillow there)
/usr/bin/python3 models/make_pages.py "$bundle/data/pages" >/dev/null
cp models/downloads/ppocr/keys.txt "$bundle/data/"
# a 1080p H.264 clip for NVDEC there (2 s of moving colour bars, about 1 MB);
# 4:2:0 High profile, which NVDEC decodes (x264enc would take videotestsrc's
# 4:4:4 if the caps left it free)
gst-launch-1.0 -q videotestsrc num-buffers=60 pattern=smpte horizontal-speed=4 ! \
  video/x-raw,format=I420,width=1920,height=1080,framerate=30/1 ! \
  x264enc bitrate=4000 speed-preset=fast ! video/x-h264,profile=high ! \
  h264parse ! mp4mux ! filesink location="$bundle/data/clip.mp4"
du -sh "$bundle"
