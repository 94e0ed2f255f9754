#!/usr/bin/python3
"""Writes the tiny ONNX models of the element tests into data/ (next to this script).

Run with a Python that has the onnx package (Debian: python3-onnx):
    /usr/bin/python3 tests/element/make_models.py
Weights come from a fixed seed, so the files are reproducible.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
OPSET = 13


def save(graph, name):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="trtinfer-tests")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(HERE, name))


def classifier(name, seed):
    """image [N,3,8,8] -> Conv3x3(3->4)+Relu -> features [N,4,8,8]
                       -> GlobalAveragePool -> Reshape [N,4] -> Softmax -> probs [N,4]"""
    rng = np.random.default_rng(seed)
    w = numpy_helper.from_array(rng.uniform(-1, 1, (4, 3, 3, 3)).astype(np.float32), "w")
    b = numpy_helper.from_array(rng.uniform(-0.5, 0.5, (4,)).astype(np.float32), "b")
    shape = numpy_helper.from_array(np.array([-1, 4], dtype=np.int64), "shape")
    nodes = [
        helper.make_node("Conv", ["image", "w", "b"], ["conv"], name="conv1",
                         kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["conv"], ["features"], name="relu1"),
        helper.make_node("GlobalAveragePool", ["features"], ["pooled"], name="pool"),
        helper.make_node("Reshape", ["pooled", "shape"], ["logits"], name="flatten"),
        helper.make_node("Softmax", ["logits"], ["probs"], name="softmax", axis=1),
    ]
    graph = helper.make_graph(
        nodes, "classifier",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info("features", TensorProto.FLOAT, ["N", 4, 8, 8]),
         helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["N", 4])],
        [w, b, shape])
    save(graph, name)


def dynamic_size():
    """image [N,3,H,W] -> Conv1x1(3->2)+Relu -> heat [N,2,H,W]: the size comes from
    the element's width and height properties."""
    rng = np.random.default_rng(3)
    w = numpy_helper.from_array(rng.uniform(-1, 1, (2, 3, 1, 1)).astype(np.float32), "w")
    nodes = [
        helper.make_node("Conv", ["image", "w"], ["conv"], name="conv1", kernel_shape=[1, 1]),
        helper.make_node("Relu", ["conv"], ["heat"], name="relu1"),
    ]
    graph = helper.make_graph(
        nodes, "dynamic_size",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, "H", "W"])],
        [helper.make_tensor_value_info("heat", TensorProto.FLOAT, ["N", 2, "H", "W"])],
        [w])
    save(graph, "dynamic_size.onnx")


def many_layers():
    """image [N,3,H,W] -> Conv3x3(3->8)+Relu -> 16 x (Conv3x3(8->8)+Relu) -> Conv1x1(8->2)
    -> heat [N,2,H,W]: many small layers back to back, as in real networks, where a
    thread pool synchronizes once per layer (the threads tests)."""
    rng = np.random.default_rng(4)
    weights, nodes, current = [], [], "image"

    def conv(name, in_channels, out_channels, kernel, relu):
        nonlocal current
        scale = 1.0 / np.sqrt(in_channels * kernel * kernel)
        w = rng.uniform(-scale, scale, (out_channels, in_channels, kernel, kernel))
        b = rng.uniform(-0.1, 0.1, (out_channels,))
        weights.append(numpy_helper.from_array(w.astype(np.float32), name + "_w"))
        weights.append(numpy_helper.from_array(b.astype(np.float32), name + "_b"))
        pad = kernel // 2
        output = name if relu else "heat"
        nodes.append(helper.make_node("Conv", [current, name + "_w", name + "_b"],
                                      [name + "_conv" if relu else output], name=name,
                                      kernel_shape=[kernel, kernel], pads=[pad] * 4))
        if relu:
            nodes.append(helper.make_node("Relu", [name + "_conv"], [output],
                                          name=name + "_relu"))
        current = output

    conv("conv0", 3, 8, 3, True)
    for i in range(1, 17):
        conv("conv%d" % i, 8, 8, 3, True)
    conv("head", 8, 2, 1, False)
    graph = helper.make_graph(
        nodes, "many_layers",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, "H", "W"])],
        [helper.make_tensor_value_info("heat", TensorProto.FLOAT, ["N", 2, "H", "W"])],
        weights)
    save(graph, "many_layers.onnx")


def gray_fixed_batch():
    """gray [1,1,6,6] (batch fixed to 1) -> Conv1x1(1->1) -> Add 0.5 -> out [1,1,6,6]"""
    w = numpy_helper.from_array(np.full((1, 1, 1, 1), 2.0, dtype=np.float32), "w")
    half = numpy_helper.from_array(np.array([0.5], dtype=np.float32), "half")
    nodes = [
        helper.make_node("Conv", ["gray", "w"], ["conv"], name="conv1", kernel_shape=[1, 1]),
        helper.make_node("Add", ["conv", "half"], ["out"], name="add"),
    ]
    graph = helper.make_graph(
        nodes, "gray",
        [helper.make_tensor_value_info("gray", TensorProto.FLOAT, [1, 1, 6, 6])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 1, 6, 6])],
        [w, half])
    save(graph, "gray.onnx")


def unsupported():
    """An op the engine does not implement (Det): the element must say which."""
    nodes = [helper.make_node("Det", ["image"], ["det"], name="det1")]
    graph = helper.make_graph(
        nodes, "unsupported",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 4, 4])],
        [helper.make_tensor_value_info("det", TensorProto.FLOAT, [1, 3])])
    save(graph, "unsupported.onnx")


def channel_scaler(name, elem_type, dims, channel_axis, channels, out_name="scaled"):
    """image (any layout, float32 or uint8) -> Cast float -> Mul by 1, 10, 100, ...
    along the channel axis -> out: each output value tells its pixel's channel
    value and which channel it was written to."""
    k = np.array([10.0 ** c for c in range(channels)], dtype=np.float32)
    shape = [1] * 4
    shape[channel_axis] = channels
    weights = numpy_helper.from_array(k.reshape(shape), "k")
    nodes = []
    source = "image"
    if elem_type != TensorProto.FLOAT:
        nodes.append(helper.make_node("Cast", ["image"], ["image_f"], name="cast",
                                      to=TensorProto.FLOAT))
        source = "image_f"
    nodes.append(helper.make_node("Mul", [source, "k"], [out_name], name="scale"))
    graph = helper.make_graph(
        nodes, name.replace(".onnx", ""),
        [helper.make_tensor_value_info("image", elem_type, dims)],
        [helper.make_tensor_value_info(out_name, TensorProto.FLOAT, dims)],
        [weights])
    save(graph, name)


def detector_inputs():
    """PaddleDetection's three inputs: image [N,3,8,8], im_shape [N,2] and
    scale_factor [N,2] (float32) -> sizes = concat(im_shape, scale_factor) [N,4],
    source_size = im_shape / scale_factor [N,2], brightness = mean(image) [N]."""
    nodes = [
        helper.make_node("Concat", ["im_shape", "scale_factor"], ["sizes"], name="concat",
                         axis=1),
        helper.make_node("Div", ["im_shape", "scale_factor"], ["source_size"], name="div"),
        helper.make_node("ReduceMean", ["image"], ["brightness"], name="mean",
                         axes=[1, 2, 3], keepdims=0),
    ]
    graph = helper.make_graph(
        nodes, "detector_inputs",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 8, 8]),
         helper.make_tensor_value_info("im_shape", TensorProto.FLOAT, ["N", 2]),
         helper.make_tensor_value_info("scale_factor", TensorProto.FLOAT, ["N", 2])],
        [helper.make_tensor_value_info("sizes", TensorProto.FLOAT, ["N", 4]),
         helper.make_tensor_value_info("source_size", TensorProto.FLOAT, ["N", 2]),
         helper.make_tensor_value_info("brightness", TensorProto.FLOAT, ["N"])])
    save(graph, "detector_inputs.onnx")


def named_inputs():
    """Inputs that only input-values can explain: image [N,3,8,8], size int64
    [N,2], bias float32 [1] (no batch dim), ids int32 [N,3] ->
    size_f = float(size), biased = mean(image) + bias [N], ids_f = float(ids)."""
    nodes = [
        helper.make_node("Cast", ["size"], ["size_f"], name="cast_size", to=TensorProto.FLOAT),
        helper.make_node("ReduceMean", ["image"], ["mean"], name="mean", axes=[1, 2, 3],
                         keepdims=0),
        helper.make_node("Add", ["mean", "bias"], ["biased"], name="add"),
        helper.make_node("Cast", ["ids"], ["ids_f"], name="cast_ids", to=TensorProto.FLOAT),
    ]
    graph = helper.make_graph(
        nodes, "named_inputs",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 8, 8]),
         helper.make_tensor_value_info("size", TensorProto.INT64, ["N", 2]),
         helper.make_tensor_value_info("bias", TensorProto.FLOAT, [1]),
         helper.make_tensor_value_info("ids", TensorProto.INT32, ["N", 3])],
        [helper.make_tensor_value_info("size_f", TensorProto.FLOAT, ["N", 2]),
         helper.make_tensor_value_info("biased", TensorProto.FLOAT, ["N"]),
         helper.make_tensor_value_info("ids_f", TensorProto.FLOAT, ["N", 3])])
    save(graph, "named_inputs.onnx")


def refused_inputs():
    """Inputs trtinfer cannot feed, one model each."""
    mean = dict(axes=[1, 2, 3], keepdims=0)
    # a 5-D image
    graph = helper.make_graph(
        [helper.make_node("ReduceMean", ["image"], ["out"], name="mean",
                          axes=[1, 2, 3, 4], keepdims=0)],
        "five_d",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 2, 8, 8])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["N"])])
    save(graph, "five_d.onnx")
    # two inputs that could both be the image
    graph = helper.make_graph(
        [helper.make_node("Add", ["left", "right"], ["sum"], name="add")],
        "two_images",
        [helper.make_tensor_value_info("left", TensorProto.FLOAT, ["N", 3, 8, 8]),
         helper.make_tensor_value_info("right", TensorProto.FLOAT, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info("sum", TensorProto.FLOAT, ["N", 3, 8, 8])])
    save(graph, "two_images.onnx")
    # an input beside the image that nothing names
    graph = helper.make_graph(
        [helper.make_node("ReduceMean", ["image"], ["brightness"], name="mean", **mean),
         helper.make_node("ReduceSum", ["mystery"], ["total"], name="sum", keepdims=0)],
        "unknown_input",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 8, 8]),
         helper.make_tensor_value_info("mystery", TensorProto.FLOAT, ["N", 3])],
        [helper.make_tensor_value_info("brightness", TensorProto.FLOAT, ["N"]),
         helper.make_tensor_value_info("total", TensorProto.FLOAT, [])])
    save(graph, "unknown_input.onnx")
    # a float16 image
    graph = helper.make_graph(
        [helper.make_node("Cast", ["image"], ["image_f"], name="cast", to=TensorProto.FLOAT),
         helper.make_node("ReduceMean", ["image_f"], ["out"], name="mean", **mean)],
        "float16_image",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT16, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["N"])])
    save(graph, "float16.onnx")


def downsample():
    """image [N,3,H,W] -> three Conv2x2/2 (3->4) -> Resize x8 (nearest) -> Add with
    Conv1x1(image) -> out [N,4,H,W]: builds only when H and W are multiples of 8, as
    detectors that downsample and join paths again do."""
    rng = np.random.default_rng(4)
    weights = [numpy_helper.from_array(rng.uniform(-1, 1, shape).astype(np.float32), name)
               for name, shape in (("w1", (4, 3, 2, 2)), ("w2", (4, 4, 2, 2)),
                                   ("w3", (4, 4, 2, 2)), ("skip_w", (4, 3, 1, 1)))]
    scales = numpy_helper.from_array(np.array([1, 1, 8, 8], dtype=np.float32), "scales")
    nodes = [
        helper.make_node("Conv", ["image", "w1"], ["d1"], name="down1", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Conv", ["d1", "w2"], ["d2"], name="down2", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Conv", ["d2", "w3"], ["d3"], name="down3", kernel_shape=[2, 2],
                         strides=[2, 2]),
        helper.make_node("Resize", ["d3", "", "scales"], ["up"], name="up", mode="nearest"),
        helper.make_node("Conv", ["image", "skip_w"], ["skip"], name="skip",
                         kernel_shape=[1, 1]),
        helper.make_node("Add", ["up", "skip"], ["out"], name="join"),
    ]
    graph = helper.make_graph(
        nodes, "downsample",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, "H", "W"])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["N", 4, "H", "W"])],
        weights + [scales])
    save(graph, "downsample.onnx")


def vector_input():
    """x [N,16] -> Relu -> y [N,16]: no image input; the element refuses it."""
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="relu")]
    graph = helper.make_graph(
        nodes, "vector_input",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 16])])
    save(graph, "vector_input.onnx")


def constant_output(name, table, output):
    """image [N,3,8,8] -> `output`, the constant `table` [1, ...] whatever the
    image (the image's mean times 0, added, keeps the batch dimension)."""
    const = numpy_helper.from_array(table.astype(np.float32), "table")
    shape = numpy_helper.from_array(np.array([-1] + [1] * (table.ndim - 1), dtype=np.int64),
                                    "shape")
    zero = numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero")
    nodes = [
        helper.make_node("ReduceMean", ["image"], ["mean"], name="mean", axes=[1, 2, 3],
                         keepdims=1),
        helper.make_node("Reshape", ["mean", "shape"], ["mean3"], name="reshape"),
        helper.make_node("Mul", ["mean3", "zero"], ["zeros"], name="zeros"),
        helper.make_node("Add", ["zeros", "table"], [output], name="table_add"),
    ]
    graph = helper.make_graph(
        nodes, name.replace(".onnx", ""),
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT,
                                       ["N"] + list(table.shape[1:]))],
        [const, shape, zero])
    save(graph, name)


# Known detections in network pixels of an 8x8 input, one row per candidate:
# cx, cy, w, h, then the scores of classes 0 and 1. The second overlaps the
# first (IoU 0.75, same class): suppressed; the fourth is below 0.25.
YOLO_CANDIDATES = np.array([
    [2.0, 2.0, 2.0, 2.0, 0.9, 0.1],
    [2.2, 2.1, 2.0, 2.0, 0.8, 0.05],
    [6.0, 6.0, 2.0, 4.0, 0.1, 0.7],
    [4.0, 4.0, 1.0, 1.0, 0.2, 0.1],
], dtype=np.float32)


def yolo_constant(name, layout):
    """image [N,3,8,8] -> a constant YOLO output (constant_output): yolov8
    [N, 6, 4] (fields by candidates), yolov5 [N, 4, 7] (objectness 1 before the
    class scores)."""
    if layout == "yolov8":
        table = YOLO_CANDIDATES.T[None]
    else:
        table = np.insert(YOLO_CANDIDATES, 4, 1.0, axis=1)[None]
    constant_output(name, table, "output0")


def ssd_constant():
    """image [N,3,8,8] -> a constant DetectionOutput [N, 1, 4, 7] (Caffe SSD):
    the two YOLO objects above as image_id, label, confidence and corners in
    fractions of the 8x8 input, one row below the 0.25 threshold, then a
    padding row of -1 (nothing read after it)."""
    rows = [[0, 0, 0.9, 1 / 8, 1 / 8, 3 / 8, 3 / 8],
            [0, 1, 0.7, 5 / 8, 4 / 8, 7 / 8, 8 / 8],
            [0, 1, 0.2, 0.0, 0.0, 0.5, 0.5],
            [-1, -1, -1, -1, -1, -1, -1]]
    constant_output("ssd.onnx", np.array(rows, dtype=np.float32)[None, None], "detection_out")


def ctc_constant():
    """image [N,3,8,8] -> constant CTC scores [N, 6, 4] (classes: blank, a, b,
    space): best per step a a blank b space space, so "ab " with the
    dictionary a, b."""
    best = [1, 1, 0, 2, 3, 3]
    table = np.full((1, 6, 4), 0.1, dtype=np.float32)
    for step, c in enumerate(best):
        table[0, step, c] = 0.7
    constant_output("ctc.onnx", table, "scores")


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    classifier("classifier.onnx", seed=1)
    classifier("classifier_v2.onnx", seed=2)
    dynamic_size()
    many_layers()
    gray_fixed_batch()
    unsupported()
    # models as they come: layouts, element types, channels, several inputs
    channel_scaler("nhwc.onnx", TensorProto.FLOAT, ["N", "H", "W", 3], 3, 3)
    channel_scaler("uint8.onnx", TensorProto.UINT8, ["N", 3, 6, 10], 1, 3)
    channel_scaler("rgba_uint8_nhwc.onnx", TensorProto.UINT8, ["N", 5, 7, 4], 3, 4)
    channel_scaler("rgba.onnx", TensorProto.FLOAT, ["N", 4, 6, 10], 1, 4)
    # dim 1 and dim 3 could both be channels: auto reads NCHW
    channel_scaler("ambiguous.onnx", TensorProto.FLOAT, ["N", 4, 4, 3], 3, 3)
    detector_inputs()
    named_inputs()
    refused_inputs()
    downsample()
    vector_input()
    yolo_constant("yolov8.onnx", "yolov8")
    yolo_constant("yolov5.onnx", "yolov5")
    ctc_constant()
    ssd_constant()
