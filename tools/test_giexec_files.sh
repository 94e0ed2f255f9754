#!/usr/bin/env bash
# giexec and the files it reads and writes: an output that is one of the
# inputs (--engine=model.onnx, --saveWeights=deploy.prototxt, a hard or
# symbolic link to one) is refused before anything is written; a FIFO or a
# device is neither read (a FIFO would block, /dev/zero never ends) nor
# written over. Every refusal exits 2 at once with a message naming the
# flag; the files involved are unchanged.
#
# Usage: test_giexec_files.sh GIEXEC MODEL.onnx DEPLOY.prototxt
# Nothing under /dev is written to, even as root: devices are written over
# only through nodes and links made in a temporary directory.
set -uo pipefail
giexec=$1
onnx=$2
deploy=$3
dir=$(mktemp -d "${TMPDIR:-/tmp}/giexec-files-XXXXXX")
trap 'rm -rf "$dir"' EXIT
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect STATUS TEXT ARGS...: giexec ARGS exits with STATUS within 20 s
# and its output holds TEXT.
expect() {
  local status=$1 text=$2 got
  shift 2
  timeout 20 "$giexec" --backend=cpu --iterations=1 --avgRuns=1 "$@" >"$dir/out" 2>&1
  got=$?
  if [ "$got" -ne "$status" ]; then
    fail "giexec $* exited $got, expected $status"
    sed 's/^/  | /' "$dir/out"
  elif ! grep -qF -- "$text" "$dir/out"; then
    fail "giexec $* does not say '$text'"
    sed 's/^/  | /' "$dir/out"
  fi
}

unchanged() {
  cmp -s "$1" "$2" || fail "$2 was changed"
}

cp "$onnx" "$dir/model.onnx"
cp "$deploy" "$dir/deploy.prototxt"
model=$dir/model.onnx
prototxt=$dir/deploy.prototxt

# Outputs over inputs, by name and by other names of the same file.
ln "$model" "$dir/hard.plan"
ln -s "$model" "$dir/soft.plan"
for engine in "$model" "$dir/./model.onnx" "$dir/hard.plan" "$dir/soft.plan"; do
  expect 2 "--engine=$engine is the same file as --onnx=$model" --onnx="$model" --engine="$engine"
  unchanged "$onnx" "$model"
done
expect 2 "--timingCacheFile=$model is the same file as --onnx" --onnx="$model" \
  --timingCacheFile="$model"
expect 2 "--saveWeights=$prototxt is the same file as --deploy" --deploy="$prototxt" \
  --saveWeights="$prototxt"
unchanged "$deploy" "$prototxt"
expect 0 "Engine saved" --onnx="$model" --engine="$dir/model.plan"
expect 0 "" --deploy="$prototxt" --saveWeights="$dir/weights.caffemodel"
cp "$dir/weights.caffemodel" "$dir/weights.saved"
expect 2 "--saveWeights=$dir/weights.caffemodel is the same file as --model" \
  --deploy="$prototxt" --model="$dir/weights.caffemodel" --saveWeights="$dir/weights.caffemodel"
unchanged "$dir/weights.saved" "$dir/weights.caffemodel"
expect 2 "--engine=$dir/x.plan and --saveWeights=$dir/x.plan are the same file" \
  --deploy="$prototxt" --engine="$dir/x.plan" --saveWeights="$dir/x.plan"
# Saving the plan that was loaded is allowed.
expect 0 "Engine saved" --loadEngine="$dir/model.plan" --engine="$dir/model.plan"

# A FIFO with no writer: not read (it would block), not replaced.
mkfifo "$dir/fifo"
for flag in onnx loadEngine; do
  expect 2 "--$flag=$dir/fifo is a FIFO, not a regular file" --"$flag"="$dir/fifo"
done
expect 2 "--model=$dir/fifo is a FIFO" --deploy="$prototxt" --model="$dir/fifo"
expect 2 "--loadInputs=$dir/fifo is a FIFO" --onnx="$model" --loadInputs=input:"$dir/fifo"
expect 2 "--engine=$dir/fifo is a FIFO, not a regular file: giexec does not write over it" \
  --onnx="$model" --engine="$dir/fifo"
expect 2 "--saveWeights=$dir/fifo is a FIFO" --deploy="$prototxt" --saveWeights="$dir/fifo"
[ -p "$dir/fifo" ] || fail "the FIFO was replaced"

# /dev/zero never ends: not read. (Only read here, never written.)
for flag in onnx loadEngine; do
  expect 2 "--$flag=/dev/zero is a character device, not a regular file" --"$flag"=/dev/zero
done

# A device is not written over: a node like /dev/null made here when we may
# (root), else /dev/null itself, which we then have no right to replace.
null=/dev/null
if mknod "$dir/null" c 1 3 2>/dev/null; then
  null=$dir/null
fi
expect 2 "--engine=$null is a character device, not a regular file" --onnx="$model" \
  --engine="$null"
expect 2 "--saveWeights=$null is a character device" --deploy="$prototxt" --saveWeights="$null"
[ -c "$null" ] || fail "$null is no longer a character device"
ln -s /dev/null "$dir/null.plan"
expect 2 "--engine=$dir/null.plan is a symbolic link to a character device" --onnx="$model" \
  --engine="$dir/null.plan"
[ -L "$dir/null.plan" ] || fail "the link to /dev/null was replaced"
[ -c /dev/null ] && [ -c /dev/zero ] || fail "/dev/null or /dev/zero changed"

# Nothing was left beside the files: no temporary file.
if ls "$dir" | grep -q '\.tmp\.'; then
  fail "temporary files left: $(ls "$dir")"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failures"
  exit 1
fi
echo "giexec files: all checks passed"
