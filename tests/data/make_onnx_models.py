#!/usr/bin/env python3
"""Writes the small ONNX models that tests/unit/test_onnx_parser.c parses.

Run with Debian's python3-onnx (e.g. /usr/bin/python3 tests/data/make_onnx_models.py);
output is deterministic, so rerunning it leaves the committed files unchanged.
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "onnx")


def save(graph, opset, filename):
    model = helper.make_model(graph, producer_name="trtinfer-tests",
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8  # fixed so the bytes do not depend on the onnx version
    data = model.SerializeToString()
    with open(os.path.join(OUT_DIR, filename), "wb") as f:
        f.write(data)
    return data


def conv_relu_pool():
    """Conv (raw_data weights) -> Relu -> MaxPool with a symbolic batch dim."""
    rng = np.random.default_rng(7)
    weight = rng.uniform(-1, 1, (4, 3, 3, 3)).astype(np.float32)
    bias = np.arange(4, dtype=np.float32) * 0.25
    nodes = [
        helper.make_node("Conv", ["input", "conv1.weight", "conv1.bias"], ["conv1_out"],
                         name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[1, 1]),
        helper.make_node("Relu", ["conv1_out"], ["relu1_out"], name="relu1"),
        helper.make_node("MaxPool", ["relu1_out"], ["output"], name="pool1",
                         kernel_shape=[2, 2], strides=[2, 2]),
    ]
    graph = helper.make_graph(
        nodes, "conv_relu_pool",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 3, 8, 8])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", 4, 4, 4])],
        initializer=[numpy_helper.from_array(weight, "conv1.weight"),
                     numpy_helper.from_array(bias, "conv1.bias")])
    return save(graph, 13, "conv_relu_pool.onnx")


def shape_subgraph():
    """Reshape x to [batch, -1] through Shape -> Gather -> Unsqueeze -> Concat."""
    nodes = [
        helper.make_node("Shape", ["x"], ["x_shape"], name="shape"),
        helper.make_node("Constant", [], ["index0"], name="index0_const",
                         value=helper.make_tensor("index0", TensorProto.INT64, [], [0])),
        helper.make_node("Gather", ["x_shape", "index0"], ["batch"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["batch", "unsqueeze_axes"], ["batch_1d"],
                         name="unsqueeze"),
        helper.make_node("Concat", ["batch_1d", "minus_one"], ["new_shape"], name="concat",
                         axis=0),
        helper.make_node("Reshape", ["x", "new_shape"], ["y"], name="reshape"),
    ]
    graph = helper.make_graph(
        nodes, "shape_subgraph",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3, 4, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 48])],
        initializer=[numpy_helper.from_array(np.array([0], dtype=np.int64), "unsqueeze_axes"),
                     numpy_helper.from_array(np.array([-1], dtype=np.int64), "minus_one")])
    return save(graph, 13, "shape_subgraph.onnx")


def unsupported_op():
    """A supported Relu followed by an op the engine does not have."""
    nodes = [
        helper.make_node("Relu", ["x"], ["r"], name="relu"),
        helper.make_node("NonZero", ["r"], ["nz_out"], name="nz"),
    ]
    graph = helper.make_graph(
        nodes, "unsupported_op",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("nz_out", TensorProto.INT64, [2, None])])
    return save(graph, 13, "unsupported_op.onnx")


def constants():
    """Initializers in raw_data and in the typed fields, and Constant nodes."""
    w_raw = np.arange(6, dtype=np.float32).reshape(2, 3) * 0.5
    nodes = [
        helper.make_node("Constant", [], ["c_tensor"], name="c_tensor",
                         value=helper.make_tensor("v", TensorProto.FLOAT, [3], [1.0, 2.0, 3.0])),
        helper.make_node("Constant", [], ["c_float"], name="c_float", value_float=0.5),
        helper.make_node("Constant", [], ["c_ints"], name="c_ints", value_ints=[1, 2]),
        helper.make_node("Add", ["x", "w_raw"], ["a"], name="add_raw"),
        helper.make_node("Mul", ["a", "w_float"], ["b"], name="mul_float"),
        helper.make_node("Add", ["b", "c_tensor"], ["c"], name="add_const"),
        helper.make_node("Mul", ["c", "c_float"], ["d"], name="scale"),
        helper.make_node("Clip", ["d", "clip_min", "clip_max"], ["y"], name="clip"),
    ]
    initializers = [
        numpy_helper.from_array(w_raw, "w_raw"),  # raw_data
        helper.make_tensor("w_float", TensorProto.FLOAT, [2, 3],
                           [1.0, -1.0, 2.0, -2.0, 3.0, -3.0]),  # float_data
        helper.make_tensor("clip_min", TensorProto.FLOAT, [], [-4.0]),
        helper.make_tensor("clip_max", TensorProto.DOUBLE, [], [6.0]),  # double_data
        helper.make_tensor("i64", TensorProto.INT64, [3], [-1, 0, 1 << 40]),  # int64_data
        helper.make_tensor("h16", TensorProto.FLOAT16, [2],
                           np.array([1.0, -2.0], dtype=np.float16)),  # int32_data bits
    ]
    graph = helper.make_graph(
        nodes, "constants",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
        initializer=initializers)
    return save(graph, 13, "constants.onnx")


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    conv = conv_relu_pool()
    shape_subgraph()
    unsupported_op()
    constants()
    # Cut inside the graph message: its declared length runs past the end.
    with open(os.path.join(OUT_DIR, "truncated.onnx"), "wb") as f:
        f.write(conv[: len(conv) // 2])


if __name__ == "__main__":
    main()
