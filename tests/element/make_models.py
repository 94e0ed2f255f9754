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


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    classifier("classifier.onnx", seed=1)
    classifier("classifier_v2.onnx", seed=2)
    dynamic_size()
    gray_fixed_batch()
    unsupported()
    downsample()
    vector_input()
