#!/usr/bin/env python3
"""trtinfer's results in Python (PyGObject and numpy): runs

  SOURCE ! videoconvert ! trtinfer model-file=MODEL unique-id=1 OPTIONS [! DOWNSTREAM] ! appsink

and prints, for each buffer the appsink receives, its tensor metas (each
tensor as a numpy array) and its regions of interest (box and structures:
what the decoders trtclassify, trtdetect, trtctc and trtdbnet found).

  python3 pipelines/trtinfer_results.py tests/element/data/classifier.onnx \\
      "trtclassify infer-id=1 tensor=probs" --source "videotestsrc num-buffers=2"

Uninstalled, tell GStreamer and GObject introspection where the build is:
  GST_PLUGIN_PATH=build/gst GI_TYPELIB_PATH=build/gst/tensormeta \\
      LD_LIBRARY_PATH=build/gst/tensormeta python3 pipelines/trtinfer_results.py ...
"""
import argparse
import sys
import warnings

import gi
import numpy as np

gi.require_version("Gst", "1.0")
gi.require_version("GstApp", "1.0")
try:
    gi.require_version("GstTrt", "1.0")
except ValueError:
    sys.exit("no GstTrt-1.0 typelib: where trtinfer is not installed, set GI_TYPELIB_PATH and "
             "LD_LIBRARY_PATH to the build's gst/tensormeta folder")
# GstApp gives the appsink its methods (try_pull_sample, is_eos)
from gi.repository import GLib, Gst, GstApp, GstTrt  # noqa: E402,F401


def tensor_array(tensor):
    """The tensor's elements as a numpy array of its dims (None when numpy
    has no such type: bfloat16, the 4-bit types)."""
    try:
        dtype = np.dtype(GstTrt.tensor_data_type_name(tensor.get_data_type()))
    except TypeError:
        return None
    data = tensor.get_data_bytes()
    return None if data is None else np.frombuffer(data.get_data(), dtype).reshape(
        tensor.get_dims())


def print_tensors(meta, values):
    where = "frame" if meta.roi_id < 0 else f"region {meta.roi_id}"
    print(f"  tensors of unique-id {meta.unique_id} for the {where}: network "
          f"{meta.network_width}x{meta.network_height}, source {meta.source_width}x"
          f"{meta.source_height} at {meta.source_x:g},{meta.source_y:g}, scale "
          f"{meta.scale_x:.4g}x{meta.scale_y:.4g}, pad {meta.pad_x:g},{meta.pad_y:g}, "
          f"batch {meta.batch_index + 1}/{meta.batch_size}")
    for i in range(meta.get_num_tensors()):
        tensor = meta.get_tensor(i)
        array = tensor_array(tensor)
        dtype = GstTrt.tensor_data_type_name(tensor.get_data_type())
        line = f"    {tensor.get_name()}: {dtype} {tensor.get_dims()}"
        if array is not None:
            first = " ".join(f"{v:.4g}" for v in array.flat[:values])
            line += f", sum {array.sum(dtype=np.float64):.6g}, first [{first}]"
        print(line)


def value_text(value):
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def field_text(structure, name):
    # arrays (a text region's corners, trtclassify's top classes) come as a
    # GValueArray, whose get_nth() PyGObject calls deprecated but has no other
    ok, array = structure.get_array(name)
    if ok:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            values = [array.get_nth(i) for i in range(array.n_values)]
        return "[" + ", ".join(value_text(v) for v in values) + "]"
    try:
        return value_text(structure.get_value(name))
    except TypeError:  # a type PyGObject cannot convert
        return "?"


def print_region(buffer, roi, producers):
    print(f"  region {roi.id} '{GLib.quark_to_string(roi.roi_type)}' at {roi.x},{roi.y} "
          f"{roi.w}x{roi.h}, parent {roi.parent_id}")
    for s in GstTrt.region_get_params(roi):
        fields = (f"{s.nth_field_name(i)}={field_text(s, s.nth_field_name(i))}"
                  for i in range(s.n_fields()))
        print(f"    {s.get_name()}: {', '.join(fields)}")
    # a cascade's second trtinfer (process-mode=roi) attached tensors per region
    for unique_id in producers:
        meta = GstTrt.TensorMeta.get_for_region(buffer, unique_id, roi.id)
        if meta is not None:
            names = [meta.get_tensor(i).get_name() for i in range(meta.get_num_tensors())]
            print(f"    tensors of unique-id {unique_id}: {', '.join(names)}")


def print_buffer(number, buffer, values):
    pts = "none" if buffer.pts == Gst.CLOCK_TIME_NONE else f"{buffer.pts / Gst.SECOND:.3f} s"
    print(f"buffer {number}, pts {pts}")
    metas = GstTrt.buffer_get_tensor_metas(buffer)
    for meta in metas:
        print_tensors(meta, values)
    producers = sorted({meta.unique_id for meta in metas})
    for roi in GstTrt.buffer_get_regions(buffer):
        print_region(buffer, roi, producers)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="trtinfer's model-file")
    parser.add_argument("downstream", nargs="?", default="",
                        help="elements after trtinfer, e.g. \"trtclassify infer-id=1\"")
    parser.add_argument("--source", default="videotestsrc num-buffers=3",
                        help="elements before trtinfer (default: %(default)s)")
    parser.add_argument("--options", default="", help="more trtinfer properties")
    parser.add_argument("--values", type=int, default=4,
                        help="values of each tensor to print (default: %(default)s)")
    args = parser.parse_args()

    Gst.init(None)
    launch = (f"{args.source} ! videoconvert ! trtinfer model-file=\"{args.model}\" "
              f"unique-id=1 {args.options}")
    if args.downstream:
        launch += f" ! {args.downstream}"
    launch += " ! appsink name=sink sync=false"
    try:
        pipeline = Gst.parse_launch(launch)
    except GLib.Error as error:
        sys.exit(f"{launch}: {error.message}")
    sink = pipeline.get_by_name("sink")
    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    number, status = 0, 0
    while True:
        message = bus.pop_filtered(Gst.MessageType.ERROR)
        if message is not None:
            error, debug = message.parse_error()
            print(f"error from {message.src.get_name()}: {error.message}\n{debug}",
                  file=sys.stderr)
            status = 1
            break
        sample = sink.try_pull_sample(Gst.SECOND // 10)
        if sample is not None:
            print_buffer(number, sample.get_buffer(), args.values)
            number += 1
        elif sink.is_eos():
            break
    pipeline.set_state(Gst.State.NULL)
    return status


if __name__ == "__main__":
    sys.exit(main())
