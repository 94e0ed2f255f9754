#!/bin/sh
# The launch scripts of pipelines/ as a user runs them: pipelines/file.sh on
# an H.264 MP4 clip (decoders from tools/install-deps.sh), the engine cached
# in the cache folder and never beside the model, a known model given the
# size and normalization it needs; and meson installing the plugin where
# GStreamer looks, or under the prefix as README says.
# Usage: test_pipelines.sh SOURCE-DIR BUILD-DIR PLUGIN-BUILD-DIR
set -u
source_dir=$1 build_dir=$2
export GST_PLUGIN_PATH="$3"
export GST_REGISTRY="${GST_REGISTRY:-$3/test-registry-pipelines.bin}"
for element in x264enc mp4mux h264parse avdec_h264; do
  gst-inspect-1.0 "$element" >/dev/null 2>&1 ||
    { echo "$element is missing (tools/install-deps.sh installs it): skipped"; exit 77; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }

gst-launch-1.0 -q videotestsrc num-buffers=20 ! video/x-raw,width=96,height=64 ! \
  x264enc ! h264parse ! mp4mux ! filesink location="$work/clip.mp4" || fail "making the clip"

# Any model: runs at its own size; the engine goes to the cache folder.
mkdir -p "$work/models"
cp "$source_dir/tests/element/data/classifier.onnx" "$work/models/"
export TRTINFER_CACHE_DIR="$work/cache"
sh "$source_dir/pipelines/file.sh" "$work/clip.mp4" "$work/models/classifier.onnx" backend=cpu \
  >"$work/log" 2>&1 || { cat "$work/log"; fail "file.sh on the classifier"; }
[ -s "$work/cache/classifier.plan" ] || fail "no engine in the cache folder"
[ "$(ls "$work/models")" = classifier.onnx ] || fail "something was written beside the model: $(ls "$work/models")"
grep -q "not in pipelines/model-settings.sh" "$work/log" || fail "no note for an unknown model"

# A known model (PP-OCR's det: a dynamic input size) gets width, height and
# normalization from model-settings.sh; without them its size is unknown.
cp "$source_dir/tests/element/data/dynamic_size.onnx" "$work/models/det.onnx"
sh "$source_dir/pipelines/file.sh" "$work/clip.mp4" "$work/models/det.onnx" backend=cpu \
  >"$work/log" 2>&1 || { cat "$work/log"; fail "file.sh on det"; }
[ -s "$work/cache/det.plan" ] || fail "no det engine in the cache folder"

# meson install: the plugin's directory is GStreamer's own when the prefix
# is GStreamer's, else <prefix>/<libdir>/gstreamer-1.0 (README: GST_PLUGIN_PATH).
/usr/bin/python3 - "$build_dir" <<'PY' || fail "plugin install directory"
import json, subprocess, sys
build = sys.argv[1]
installed = json.loads(subprocess.run(["meson", "introspect", build, "--installed"],
                                      capture_output=True, text=True, check=True).stdout)
options = {o["name"]: o["value"] for o in json.loads(subprocess.run(
    ["meson", "introspect", build, "--buildoptions"], capture_output=True, text=True,
    check=True).stdout)}
plugin = [dest for src, dest in installed.items() if src.endswith("libgsttrtinfer.so")]
def pkg(var):
    return subprocess.run(["pkg-config", "--variable=" + var, "gstreamer-1.0"],
                          capture_output=True, text=True, check=True).stdout.strip()
prefix = options["prefix"]
expected = (pkg("pluginsdir") if prefix == pkg("prefix")
            else f"{prefix}/{options['libdir']}/gstreamer-1.0")
print("plugin installs to", plugin)
sys.exit(0 if plugin and plugin[0] == f"{expected}/libgsttrtinfer.so" else 1)
PY
# Two branches with the same model and options: one engine, the second
# element's message says it shares it (gst-launch-1.0 -m prints them).
model="$source_dir/tests/element/data/classifier.onnx"
gst-launch-1.0 -m videotestsrc num-buffers=4 ! video/x-raw,width=32,height=32 ! tee name=t \
  t. ! queue ! trtinfer backend=cpu model-file="$model" ! fakesink \
  t. ! queue ! trtinfer backend=cpu model-file="$model" ! fakesink >"$work/log" 2>&1 ||
  { cat "$work/log"; fail "two branches on one model"; }
actions=$(grep -o 'action=(string)[a-z-]*' "$work/log" | sort | tr '\n' ' ')
[ "$actions" = "action=(string)built action=(string)shared " ] ||
  fail "two branches on one model: engine actions '$actions', expected one built and one shared"

[ $status -eq 0 ] && echo "pipelines run from a clip, engines cached, plugin installed where expected, engines shared"
exit $status
