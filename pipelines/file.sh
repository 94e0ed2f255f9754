#!/bin/sh
# Runs a model on a video file (H.264/MP4 and whatever decodebin can open):
#   pipelines/file.sh CLIP MODEL [trtinfer properties...]
# The model's size and normalization come from model-settings.sh; the
# engine is cached there too. Extra properties override them.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
export GST_PLUGIN_PATH="${GST_PLUGIN_PATH:-$here/build/gst}"
clip=$1
model=$2
shift 2
. "$here/pipelines/model-settings.sh"
# shellcheck disable=SC2086 # settings holds several properties
exec gst-launch-1.0 filesrc location="$clip" ! decodebin ! videoconvert ! \
  trtinfer model-file="$model" engine-file="$engine" $settings "$@" ! fakesink
