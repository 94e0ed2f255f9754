#!/bin/sh
# Runs a model on a video file: pipelines/file.sh CLIP MODEL [trtinfer properties...]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$here/build/gst}"
clip=$1
model=$2
shift 2
exec gst-launch-1.0 filesrc location="$clip" ! decodebin ! videoconvert ! \
  trtinfer model-file="$model" engine-file="${model%.*}.plan" "$@" ! fakesink
