#!/bin/sh
# Runs a model on a camera and shows it: pipelines/camera.sh MODEL [DEVICE]
# (size, normalization and the engine cache from model-settings.sh)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$here/build/gst}"
model=$1
device=${2:-/dev/video0}
. "$here/pipelines/model-settings.sh"
# shellcheck disable=SC2086 # settings holds several properties
exec gst-launch-1.0 v4l2src device="$device" ! videoconvert ! \
  trtinfer model-file="$model" engine-file="$engine" $settings batch-timeout=10000 ! \
  videoconvert ! autovideosink
