#!/usr/bin/env bash
# Runs every GPU test and the GPU benchmark on the GPU machine, from the
# bundle that tools/build-gpu.sh made here:
#
#   tests/gpu/run_gpu_tests.sh OUTDIR [STEP...]
#
# STEPs (default: all, in this order): layers lite plan fp16 threads models
# families conformance bench (lite: the plugin library's CUDA op and the
# Python Lite module against PyTorch). `families`: one torchvision model per further family
# (export_torchvision.py FAMILIES), FP32 and FP16 against the CPU.
# `bench-families` (not in the default list: it takes longer than one call
# of the GPU machine allows beside the rest): the benchmark on those
# families, OUTDIR/bench_families.md. `bench-ppocr` (not in the default list
# either): PP-OCR's detection model at 640x640, ours only,
# OUTDIR/bench_ppocr.md. `bench-image` (not in the default list): GPU
# preprocessing of 1080p NV12 frames against the copy bandwidth,
# OUTDIR/bench_image.md.
# Writes OUTDIR/tests.log (every test's output), OUTDIR/bench.md and
# OUTDIR/bench.log (the benchmark), OUTDIR/summary.txt (the table printed
# last). Set TRT_GPU_BUNDLE to use a bundle elsewhere (default
# build-gpu/bundle), TRT_GPU_MODELS to keep the exported torchvision models
# in a folder across runs (default: a temporary one), TRT_BENCH_ARGS to pass
# arguments to bench/gpu_vs_pytorch.py (say --batches=32 --only=resnet50). A step whose program exits 77 or whose data is absent
# is SKIPPED with the reason.
set -uo pipefail

[[ $# -ge 1 ]] || { echo "usage: $0 OUTDIR [layers|lite|plan|fp16|threads|models|families|conformance|bench|bench-families|bench-ppocr|bench-image]..." >&2; exit 2; }
outdir="$1"
shift
steps=("$@")
[[ ${#steps[@]} -gt 0 ]] || steps=(layers lite plan fp16 threads models families conformance bench)
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bundle="${TRT_GPU_BUNDLE:-$root/build-gpu/bundle}"
bin="$bundle/bin"
mkdir -p "$outdir"
outdir="$(cd "$outdir" && pwd)"
log="$outdir/tests.log"
summary="$outdir/summary.txt"
: >"$log"
: >"$summary"
export LD_LIBRARY_PATH="$bundle/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ ! -x "$bin/giexec" ]]; then
  echo "no bundle at $bundle: run tools/build-gpu.sh where the project is built" | tee "$summary"
  exit 1
fi
{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv 2>&1 || true; } >>"$log"

failures=0
# run NAME COMMAND...: logs the output, records PASS/FAIL/SKIPPED with the last line.
run() {
  local name="$1"
  shift
  echo "=== $name: $*" >>"$log"
  local start=$SECONDS status=0
  "$@" >>"$log" 2>&1 || status=$?
  local last
  last="$(tail -n 1 "$log" | cut -c1-100)"
  local verdict=PASS
  if [[ $status == 77 ]]; then verdict=SKIPPED; elif [[ $status != 0 ]]; then verdict=FAIL; failures=$((failures + 1)); fi
  printf '%-28s %-8s %5ss  %s\n' "$name" "$verdict" $((SECONDS - start)) "$last" >>"$summary"
}
skip() { printf '%-28s %-8s %5ss  %s\n' "$1" SKIPPED 0 "$2" >>"$summary"; }

models="${TRT_GPU_MODELS:-$work/torchvision}"
have_torchvision() { [[ -f "$models/resnet50.onnx" ]]; }
export_models() {
  have_torchvision && return 0
  run export_torchvision python3 "$root/tests/gpu/export_torchvision.py" "$models"
}

for step in "${steps[@]}"; do
  case "$step" in
  layers)
    run gpu_layers_vs_cpu "$bin/test_gpu_layers"
    for name in test_cuda_layers test_cuda_conv test_cuda_matmul test_gpu_nms; do
      run "$name" "$bin/$name"
    done
    ;;
  lite)
    # a plugin layer's CUDA enqueue against its CPU execution; the Python
    # module (Lite over libtrtlite) against PyTorch
    run gpu_plugin "$bin/test_gpu_plugin" "$bundle/lib/libtrt_test_plugins.so" \
      "$bundle/data/scaled_square.onnx"
    run lite_torch env PYTHONPATH="$bundle/python" TRTINFER_LIBRARY="$bundle/lib/libtrtlite.so" \
      python3 "$root/tests/gpu/test_lite_torch.py" "$work/lite"
    ;;
  plan) run gpu_plan "$bin/test_gpu_plan" "$bundle/data/conv_relu_pool.onnx" 2 ;;
  fp16)
    run gpu_fp16 "$bin/test_gpu_precision" "$work/fp16.plan"
    run gpu_nhwc_conv_fp16 "$bin/test_gpu_nhwc_conv"
    export_models
    if have_torchvision; then
      run torchvision_fp16_b4 "$bin/test_gpu_models" --precision=fp16 --tolerance=1e-2 --batch=4 \
        "$models/resnet50.onnx" "$models/mobilenet_v2.onnx" "$models/googlenet.onnx"
    else
      skip torchvision_fp16 "export failed (see tests.log)"
    fi
    inputs="$bundle/models/ppocr/inputs"
    if [[ -f "$inputs/det.bin" ]]; then
      # PP-OCR on the rendered page and text line, FP16 against the CPU in FP32:
      # maps within 1e-2, the recognized strings the same
      run ppocr_rendered_fp16 "$bin/test_gpu_models" --precision=fp16 --tolerance=1e-2 --ctc \
        "$bundle/models/ppocr/det.onnx:x=1x3x640x640:$inputs/det.bin" \
        "$bundle/models/ppocr/cls.onnx:x=1x3x48x192:$inputs/cls.bin" \
        "$bundle/models/ppocr/rec.onnx:x=1x3x48x320:$inputs/rec.bin"
    else
      skip ppocr_rendered_fp16 "no rendered PP-OCR inputs in the bundle"
    fi
    ;;
  threads) run gpu_threads_8 "$bin/test_gpu_threads" "$bundle/data/conv_relu_pool.onnx" 3 50 ;;
  models)
    export_models
    if have_torchvision; then
      run torchvision_b1 "$bin/test_gpu_models" --batch=1 "$models/resnet50.onnx" \
        "$models/mobilenet_v2.onnx" "$models/googlenet.onnx"
      run torchvision_plan_r50 "$bin/test_gpu_plan" "$models/resnet50.onnx" 4
      run torchvision_threads_mnv2 "$bin/test_gpu_threads" "$models/mobilenet_v2.onnx" 4 10
    else
      skip torchvision "export failed (see tests.log)"
    fi
    if [[ -f "$bundle/models/ppocr/det.onnx" ]]; then
      run ppocr "$bin/test_gpu_models" "$bundle/models/ppocr/det.onnx:x=1x3x640x640" \
        "$bundle/models/ppocr/cls.onnx:x=1x3x48x192" "$bundle/models/ppocr/rec.onnx:x=1x3x48x320"
      inputs="$bundle/models/ppocr/inputs"
      if [[ -f "$inputs/det.bin" ]]; then
        # The rendered page and text line (models/make_inputs.py), as in use.
        run ppocr_rendered "$bin/test_gpu_models" --ctc \
          "$bundle/models/ppocr/det.onnx:x=1x3x640x640:$inputs/det.bin" \
          "$bundle/models/ppocr/cls.onnx:x=1x3x48x192:$inputs/cls.bin" \
          "$bundle/models/ppocr/rec.onnx:x=1x3x48x320:$inputs/rec.bin"
      else
        skip ppocr_rendered "no rendered inputs in the bundle (tools/build-gpu.sh needs OpenCV)"
      fi
    else
      skip ppocr "models/downloads/ppocr was not in the bundle"
    fi
    caffe=("$bundle"/models/caffe/*.prototxt)
    if [[ -f "${caffe[0]}" ]]; then
      run caffe "$bin/test_gpu_models" "${caffe[@]}"
    else
      skip caffe "no Caffe prototxts in the bundle"
    fi
    # SSD's detection layers (PriorBox, DetectionOutput): detections matched row by row.
    if [[ -f "$bundle/models/caffe/ssd_tiny.prototxt" ]]; then
      run caffe_ssd "$bin/test_gpu_ssd" "$bundle/models/caffe/ssd_tiny.prototxt"
    else
      skip caffe_ssd "no ssd_tiny.prototxt in the bundle"
    fi
    ;;
  families)
    # PyTorch's own FP16 error on the same models, beside ours
    run pytorch_fp16_error python3 "$root/tests/gpu/pytorch_fp16_error.py"
    if run export_families python3 "$root/tests/gpu/export_torchvision.py" "$models" families; then
      for path in "$models"/*.onnx; do
        name="$(basename "$path" .onnx)"
        case "$name" in resnet50 | mobilenet_v2 | googlenet) continue ;; esac
        run "${name}_fp32" "$bin/test_gpu_models" --batch=2 "$path"
        run "${name}_fp16" "$bin/test_gpu_models" --precision=fp16 --tolerance=1e-2 --batch=2 "$path"
      done
    fi
    ;;
  conformance)
    if [[ -f "$bundle/data/onnx-testdata.tar.xz" ]]; then
      mkdir -p "$work/onnx" && tar -C "$work/onnx" -xJf "$bundle/data/onnx-testdata.tar.xz"
      run onnx_conformance_cuda "$bin/onnx_conformance" "$work/onnx" --backend=cuda
    else
      skip onnx_conformance_cuda "no ONNX test data in the bundle"
    fi
    ;;
  bench)
    export_models
    if have_torchvision; then
      # shellcheck disable=SC2086 # TRT_BENCH_ARGS is a list of arguments
      run bench python3 "$root/bench/gpu_vs_pytorch.py" --giexec "$bin/giexec" \
        --models "$models" --out "$outdir/bench.md" --log "$outdir/bench.log" ${TRT_BENCH_ARGS:-}
    else
      skip bench "no exported models"
    fi
    ;;
  bench-image)
    # shellcheck disable=SC2016 # expanded by the inner shell
    run bench_image sh -c '"$0" 200 >"$1"; status=$?; cat "$1"; exit $status' \
      "$bin/image_bench" "$outdir/bench_image.md"
    ;;
  bench-ppocr)
    if [[ -f "$bundle/models/ppocr/det.onnx" ]]; then
      # shellcheck disable=SC2086 # TRT_BENCH_ARGS is a list of arguments
      run bench_ppocr python3 "$root/bench/gpu_vs_pytorch.py" --giexec "$bin/giexec" \
        --models "$models" --only= --ppocr-det "$bundle/models/ppocr/det.onnx" \
        --out "$outdir/bench_ppocr.md" --log "$outdir/bench_ppocr.log" ${TRT_BENCH_ARGS:-}
    else
      skip bench_ppocr "models/downloads/ppocr was not in the bundle"
    fi
    ;;
  bench-families)
    if run export_families python3 "$root/tests/gpu/export_torchvision.py" "$models" families; then
      families="$(python3 -c "import sys; sys.path.insert(0, '$root/tests/gpu')
from export_torchvision import FAMILIES; print(','.join(FAMILIES))")"
      # shellcheck disable=SC2086 # TRT_BENCH_ARGS is a list of arguments
      run bench_families python3 "$root/bench/gpu_vs_pytorch.py" --giexec "$bin/giexec" \
        --models "$models" --only "$families" --out "$outdir/bench_families.md" \
        --log "$outdir/bench_families.log" ${TRT_BENCH_ARGS:-}
    fi
    ;;
  *) echo "unknown step '$step'" >&2; exit 2 ;;
  esac
done

{
  echo
  echo "GPU test summary ($(date -u +%Y-%m-%dT%H:%MZ)):"
  printf '%-28s %-8s %6s  %s\n' step result time "last line"
  cat "$summary"
} | tee "$summary.tmp"
mv "$summary.tmp" "$summary"
[[ $failures == 0 ]]
