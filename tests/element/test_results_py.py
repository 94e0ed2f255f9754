#!/usr/bin/env python3
"""pipelines/trtinfer_results.py on the models of data/, with the system
Python: the tensors read through the GstTrt typelib (dims, types, values as
numpy arrays, the geometry's fields) and the regions (boxes, the decoders'
structures, the tensors of a cascade's region) against known answers:
ctc.onnx gives the scores of "ab " whatever the frame, classifier.onnx
probabilities that trtclassify's classification must agree with.

Usage: test_results_py.py SOURCE-DIR TYPELIB-DIR (the tensor meta library's
build folder, for GI_TYPELIB_PATH and LD_LIBRARY_PATH). Exits 77 without
PyGObject, numpy, GStreamer's typelibs or the GstTrt typelib."""
import os
import re
import subprocess
import sys
import tempfile


def skip(reason):
    print(f"{reason}: skipped")
    sys.exit(77)


def prepend(env, name, path):
    env[name] = path + (":" + env[name] if env.get(name) else "")


source_dir, typelib_dir = sys.argv[1], sys.argv[2]
try:
    import gi
    import numpy  # noqa: F401
except ImportError as error:
    skip(f"{error} for {sys.executable} (Debian: python3-gi, python3-numpy)")
for namespace in ("Gst", "GstApp", "GstVideo"):
    try:
        gi.require_version(namespace, "1.0")
    except ValueError:
        skip(f"no {namespace}-1.0 typelib (Debian: gir1.2-gstreamer-1.0, "
             "gir1.2-gst-plugins-base-1.0)")
if not os.path.exists(os.path.join(typelib_dir, "GstTrt-1.0.typelib")):
    skip("GstTrt-1.0.typelib was not built (meson found no gobject-introspection-1.0: "
         "Debian's gobject-introspection and libgirepository1.0-dev)")

env = dict(os.environ)
prepend(env, "GI_TYPELIB_PATH", typelib_dir)
prepend(env, "LD_LIBRARY_PATH", typelib_dir)
example = os.path.join(source_dir, "pipelines", "trtinfer_results.py")
data = os.path.join(source_dir, "tests", "element", "data")
source = "videotestsrc num-buffers=2 ! video/x-raw,width=64,height=48"
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print("FAIL:", what)


def run(*args):
    result = subprocess.run([sys.executable, example, *args], env=env, capture_output=True,
                            text=True, timeout=240)
    print("$ trtinfer_results.py", " ".join(args))
    print(result.stdout, result.stderr, sep="")
    return result


def buffers(output):
    """The output split per buffer."""
    return re.split(r"^buffer \d+, .*\n", output, flags=re.M)[1:]


with tempfile.TemporaryDirectory() as work:
    # A cascade: ctc.onnx's scores read as "ab " by trtctc (a region of the
    # frame), classifier.onnx on that region (process-mode=roi), trtclassify
    # writing into it.
    keys = os.path.join(work, "keys.txt")
    with open(keys, "w") as f:
        f.write("a\nb\n")
    result = run(os.path.join(data, "ctc.onnx"),
                 f"trtctc infer-id=1 labels={keys} ! trtinfer backend=cpu unique-id=2 "
                 f"model-file={os.path.join(data, 'classifier.onnx')} process-mode=roi "
                 "roi-types=text ! trtclassify infer-id=2 tensor=probs",
                 "--options", "backend=cpu", "--source", source)
    check(result.returncode == 0, f"cascade: exit status {result.returncode}")
    frames = buffers(result.stdout)
    check(len(frames) == 2, f"cascade: {len(frames)} buffers, expected 2")
    for text in frames:
        check("tensors of unique-id 1 for the frame: network 8x8, source 64x48 at 0,0" in text,
              "cascade: the frame's geometry")
        check("scores: float32 [1, 6, 4], sum 6, first [0.1 0.7 0.1 0.1]" in text,
              "cascade: ctc.onnx's scores")
        region = re.search(r"^  region (\d+) 'text' at 0,0 64x48", text, re.M)
        check(region is not None, "cascade: the text region of the frame")
        check("    text: text='ab ', confidence=0.7, producer-id=1" in text,
              "cascade: trtctc's text")
        check(region is not None and re.search(
            rf"tensors of unique-id 2 for the region {region.group(1)}: network 8x8, "
            r"source 64x48 at 0,0", text) is not None,
            "cascade: the region's tensor meta (roi_id, geometry)")
        check("features: float32 [1, 4, 8, 8]" in text, "cascade: classifier.onnx's features")
        check("    tensors of unique-id 2: features, probs" in text,
              "cascade: gst_trt_tensor_meta_get_for_region for the region")
        probs = re.search(r"probs: float32 \[1, 4\], sum (\S+), first \[([^]]*)\]", text)
        label = re.search(r"classification: label='(\d+)', label-id=(\d+), confidence=(\S+),"
                          r" producer-id=2", text)
        check(probs is not None and label is not None, "cascade: probs and the classification")
        if probs and label:
            values = [float(v) for v in probs.group(2).split()]
            check(abs(float(probs.group(1).rstrip(",")) - 1) < 1e-5, "cascade: probs sum to 1")
            check(int(label.group(2)) == values.index(max(values)),
                  f"cascade: label-id {label.group(2)} is not the argmax of {values}")
            check(abs(float(label.group(3)) - max(values)) < 1e-3,
                  f"cascade: confidence {label.group(3)} is not the largest of {values}")

    # Frames batched by two, letterboxed: 64x48 scaled by 1/8 into 8x6, a
    # row of padding above.
    result = run(os.path.join(data, "classifier.onnx"), "--source", source,
                 "--options", "backend=cpu batch-size=2 keep-aspect-ratio=true", "--values", "2")
    check(result.returncode == 0, f"batched: exit status {result.returncode}")
    frames = buffers(result.stdout)
    check(len(frames) == 2, f"batched: {len(frames)} buffers, expected 2")
    for index, text in enumerate(frames):
        check(f"source 64x48 at 0,0, scale 0.125x0.125, pad 0,1, batch {index + 1}/2" in text,
              f"batched: buffer {index}'s geometry")
        check(re.search(r"probs: float32 \[1, 4\], sum 1(\.0*)?, first \[\S+ \S+\]\n", text)
              is not None, f"batched: buffer {index}'s probs")

    # A model that is not there: the error, not a hang.
    result = run(os.path.join(work, "missing.onnx"), "--options", "backend=cpu")
    check(result.returncode != 0 and "error from" in result.stderr,
          "a missing model: an error and a failing exit status")

print(f"{len(failures)} failed" if failures else "trtinfer_results.py: tensors and regions read")
sys.exit(1 if failures else 0)
