#!/bin/sh
# Runs a model on test frames: pipelines/videotestsrc.sh MODEL [FRAMES]
# (GST_PLUGIN_PATH defaults to the build tree's plugin)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$here/build/gst}"
model=$1
frames=${2:-100}
exec gst-launch-1.0 -m videotestsrc num-buffers="$frames" ! \
  trtinfer model-file="$model" engine-file="${model%.*}.plan" ! fakesink
