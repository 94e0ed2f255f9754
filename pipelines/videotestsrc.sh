#!/bin/sh
# Runs a model on test frames: pipelines/videotestsrc.sh MODEL [FRAMES]
# (GST_PLUGIN_PATH defaults to the build tree's plugin; size, normalization
# and the engine cache from model-settings.sh)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$here/build/gst}"
model=$1
frames=${2:-100}
. "$here/pipelines/model-settings.sh"
# shellcheck disable=SC2086 # settings holds several properties
exec gst-launch-1.0 -m videotestsrc num-buffers="$frames" ! \
  trtinfer model-file="$model" engine-file="$engine" $settings ! fakesink
