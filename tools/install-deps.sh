#!/usr/bin/env bash
# Installs what building and testing trtinfer needs on Debian 12 (as root).
# The CUDA toolkit and cuDNN are optional: without nvcc the CUDA backend is
# left out and everything runs on the CPU backend.
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config
  protobuf-c-compiler libprotobuf-c-dev
  libglib2.0-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  # Decoders for pipelines/file.sh: H.264 (libav), its parser (bad), MP4
  # demuxing (good), and the x264 encoder the element tests make clips with.
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  # GStreamer's CUDA library (frames in CUDA memory, with the CUDA backend);
  # its headers include cudaGL.h, which includes GL/gl.h.
  libgstreamer-plugins-bad1.0-dev libgl-dev
  # The overlay element draws with cairo and pango.
  libcairo2-dev libpango1.0-dev
  python3 python3-numpy python3-opencv python3-onnx
  # GObject introspection of the tensor meta library, read from Python (pipelines/trtinfer_results.py)
  gobject-introspection libgirepository1.0-dev gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0 python3-gi
  # The OCR demo's pages: DejaVu's fonts drawn with Pillow (models/make_pages.py).
  python3-pil fonts-dejavu-core
  libonnx-testdata
  ca-certificates
  # The fuzzers (tests/fuzz): clang with libFuzzer and the sanitizer runtimes.
  clang libclang-rt-14-dev
)
# Node.js runs ONNX Runtime (the reference) and fetches the real models.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
