#!/usr/bin/env bash
# Configures (once) and builds trtinfer: tools/build.sh [BUILD_DIR [meson options...]]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${1:-build}
shift || true
# Where nvcc is installed but not on PATH, let meson find it.
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH="/usr/local/cuda/bin:$PATH"
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ ! -f "$build_dir/build.ninja" ]; then
  meson setup "$build_dir" "$@" >"$log" 2>&1 || { cat "$log"; exit 1; }
fi
ninja -C "$build_dir" >"$log" 2>&1 || { grep -E -B2 -A8 'error|FAILED' "$log" | head -80; exit 1; }
