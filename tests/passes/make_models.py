#!/usr/bin/python3
"""Writes torchvision-style ResNet and MobileNetV2 graphs as ONNX, with random
weights, BatchNorm with non-trivial statistics, residual adds and ReLU6 as
Clip, at reduced widths so that the CPU reference runs them in seconds.

Usage: /usr/bin/python3 make_models.py OUTPUT_DIR   (needs onnx and numpy)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(2024)


class Graph:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    def const(self, prefix, array):
        name = self.name(prefix)
        self.inits.append(numpy_helper.from_array(array.astype(np.float32), name))
        return name

    def node(self, op, inputs, prefix, **attrs):
        out = self.name(prefix)
        self.nodes.append(helper.make_node(op, inputs, [out], name=out, **attrs))
        return out

    def conv(self, x, c_in, c_out, k, stride=1, group=1, bias=False):
        fan_in = c_in // group * k * k
        w = self.const("w", rng.normal(0, np.sqrt(2.0 / fan_in), (c_out, c_in // group, k, k)))
        inputs = [x, w] + ([self.const("b", rng.normal(0, 0.1, c_out))] if bias else [])
        return self.node("Conv", inputs, "conv", kernel_shape=[k, k], strides=[stride, stride],
                         pads=[k // 2] * 4, group=group)

    def bn(self, x, c):
        params = [rng.uniform(0.5, 1.5, c), rng.normal(0, 0.1, c), rng.normal(0, 0.1, c),
                  rng.uniform(0.5, 2.0, c)]
        names = [self.const(role, p) for role, p in zip(["gamma", "beta", "mean", "var"], params)]
        return self.node("BatchNormalization", [x] + names, "bn", epsilon=1e-5)

    def relu(self, x):
        return self.node("Relu", [x], "relu")

    def relu6(self, x):
        lo = self.const("min", np.array(0.0))
        hi = self.const("max", np.array(6.0))
        return self.node("Clip", [x, lo, hi], "relu6")

    def head(self, x, c, classes):
        x = self.node("GlobalAveragePool", [x], "pool")
        x = self.node("Flatten", [x], "flatten", axis=1)
        w = self.const("fc_w", rng.normal(0, np.sqrt(1.0 / c), (classes, c)))
        b = self.const("fc_b", rng.normal(0, 0.1, classes))
        return self.node("Gemm", [x, w, b], "fc", transB=1)

    def save(self, path, output, input_shape, classes):
        graph = helper.make_graph(
            self.nodes, os.path.basename(path),
            [helper.make_tensor_value_info("input", TensorProto.FLOAT, input_shape)],
            [helper.make_tensor_value_info(output, TensorProto.FLOAT, [1, classes])],
            self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
        model.ir_version = 7
        onnx.checker.check_model(model)
        onnx.save(model, path)


def resnet(path, widths=(8, 16, 32, 64), blocks=(2, 2, 2, 2), classes=10):
    """ResNet-18 layout: conv-bn-relu, maxpool, basic blocks, pool, fc."""
    g = Graph()
    x = g.relu(g.bn(g.conv("input", 3, widths[0], 7, stride=2), widths[0]))
    x = g.node("MaxPool", [x], "maxpool", kernel_shape=[3, 3], strides=[2, 2], pads=[1] * 4)
    c_in = widths[0]
    for stage, (width, count) in enumerate(zip(widths, blocks)):
        for block in range(count):
            stride = 2 if stage > 0 and block == 0 else 1
            y = g.relu(g.bn(g.conv(x, c_in, width, 3, stride), width))
            y = g.bn(g.conv(y, width, width, 3), width)
            shortcut = x
            if stride != 1 or c_in != width:
                shortcut = g.bn(g.conv(x, c_in, width, 1, stride), width)
            x = g.relu(g.node("Add", [y, shortcut], "add"))
            c_in = width
    g.save(path, g.head(x, c_in, classes), [1, 3, 64, 64], classes)


def mobilenet_v2(path, classes=10):
    """MobileNetV2 layout at width 0.25: inverted residuals with ReLU6."""
    settings = [(1, 8, 1, 1), (6, 8, 2, 2), (6, 8, 3, 2), (6, 16, 2, 2), (6, 24, 2, 1),
                (6, 40, 2, 2), (6, 80, 1, 1)]
    g = Graph()
    x = g.relu6(g.bn(g.conv("input", 3, 8, 3, stride=2), 8))
    c_in = 8
    for expand, c_out, repeat, first_stride in settings:
        for i in range(repeat):
            stride = first_stride if i == 0 else 1
            hidden = c_in * expand
            y = x
            if expand != 1:
                y = g.relu6(g.bn(g.conv(y, c_in, hidden, 1), hidden))
            y = g.relu6(g.bn(g.conv(y, hidden, hidden, 3, stride, group=hidden), hidden))
            y = g.bn(g.conv(y, hidden, c_out, 1), c_out)
            x = g.node("Add", [x, y], "add") if stride == 1 and c_in == c_out else y
            c_in = c_out
    x = g.relu6(g.bn(g.conv(x, c_in, 320, 1), 320))
    g.save(path, g.head(x, 320, classes), [1, 3, 64, 64], classes)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    resnet(os.path.join(out, "resnet18_small.onnx"))
    mobilenet_v2(os.path.join(out, "mobilenet_v2_small.onnx"))


if __name__ == "__main__":
    main()
