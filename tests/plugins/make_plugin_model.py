#!/usr/bin/python3
"""Writes tests/data/onnx/scaled_square.onnx: a model with an op no importer
knows, ScaledSquare of the custom domain 'test.plugins' (y = alpha * x * x,
alpha = 0.5), which tests/plugins/scaled_square.c supplies as a plugin:

    x [2, 3, 5, 7] -> ScaledSquare(alpha=0.5) -> s;  y = s + x

so y = 0.5 x^2 + x. Run with /usr/bin/python3 (python3-onnx)."""
import os

import onnx
from onnx import TensorProto, helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "data", "onnx", "scaled_square.onnx")


def main():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 5, 7])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3, 5, 7])
    nodes = [
        helper.make_node("ScaledSquare", ["x"], ["s"], name="square", domain="test.plugins",
                         alpha=0.5),
        helper.make_node("Add", ["s", "x"], ["y"], name="add"),
    ]
    graph = helper.make_graph(nodes, "scaled_square", [x], [y])
    model = helper.make_model(graph, producer_name="make_plugin_model.py",
                              opset_imports=[helper.make_opsetid("", 13),
                                             helper.make_opsetid("test.plugins", 1)])
    model.ir_version = 8
    onnx.save(model, OUT)
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
