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


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    classifier("classifier.onnx", seed=1)
    classifier("classifier_v2.onnx", seed=2)
    dynamic_size()
    many_layers()
    gray_fixed_batch()
    unsupported()
