#!/bin/sh
# gst-inspect-1.0 finds the plugin and documents every property of trtinfer.
# Usage: test_inspect.sh PLUGIN-BUILD-DIR
set -u
export GST_PLUGIN_PATH="$1"
export GST_REGISTRY="${GST_REGISTRY:-$1/test-registry.bin}"
command -v gst-inspect-1.0 >/dev/null 2>&1 || { echo "gst-inspect-1.0 not found: skipped"; exit 77; }
out=$(gst-inspect-1.0 trtinfer 2>&1) || { echo "$out"; echo "FAIL: gst-inspect-1.0 trtinfer"; exit 1; }
status=0
for property in model-file weights-file engine-file output-names input-name batch-size \
    batch-timeout precision calibration-cache device-id backend interval mean std scale \
    input-layout input-values async-build active-backend threads \
    offsets channel-order keep-aspect-ratio width height; do
  # "  name   : blurb" with a non-empty blurb
  if ! printf '%s\n' "$out" | grep -Eq "^  $property +: [^ ]"; then
    echo "FAIL: property $property is missing or undocumented"
    status=1
  fi
done
printf '%s\n' "$out" | grep -q "gst-launch-1.0\|Long-name" || true
for word in "RGB" "NV12" "GRAY8" "I420"; do
  printf '%s\n' "$out" | grep -q "$word" || { echo "FAIL: caps lack $word"; status=1; }
done
[ $status -eq 0 ] && echo "all properties documented"
exit $status
